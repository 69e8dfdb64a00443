import { add, eq, gt, lt, mul } from '../functional/arithmetic.js';
import { reduceTo } from '../functional/broadcast.js';
import type { Tensor } from '../tensor.js';

/** Gradient of maximum/minimum: to the winning side, split half and half on ties (as torch). */
export function extremumBackward(
  g: Tensor,
  a: Tensor,
  b: Tensor,
  kind: 'maximum' | 'minimum',
): (Tensor | null)[] {
  const tie = mul(eq(a, b), 0.5);
  const aWins = kind === 'maximum' ? gt(a, b) : lt(a, b);
  const bWins = kind === 'maximum' ? lt(a, b) : gt(a, b);
  return [
    a.requiresGrad ? reduceTo(mul(g, add(aWins, tie)), a.shape) : null,
    b.requiresGrad ? reduceTo(mul(g, add(bWins, tie)), b.shape) : null,
  ];
}

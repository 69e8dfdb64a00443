import type { Tensor } from '@ocellus/tensor';
import { gradientOf } from './parameters.js';

/**
 * Gradient clipping by global L2 norm (Pascanu et al. 2013; torch's clip_grad_norm_): when
 * `||g|| = sqrt(sum over all parameters of g^2)` exceeds maxNorm, every gradient is scaled in place by
 * `maxNorm / (||g|| + 1e-6)`. Returns the norm before clipping; a non-finite norm is returned with the
 * gradients left untouched, so the training loop can report it. Frozen parameters are skipped.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  const grads: Tensor[] = [];
  let squares = 0;
  for (const p of params) {
    const g = gradientOf(p);
    if (!g) continue;
    for (let i = 0; i < g.length; i++) squares += g[i]! * g[i]!;
    grads.push(p.grad!);
  }
  const norm = Math.sqrt(squares);
  if (!Number.isFinite(norm) || norm <= maxNorm) return norm;
  const scale = maxNorm / (norm + 1e-6);
  for (const g of grads) {
    if (g.values() !== g.data)
      throw new Error('clipGradNorm: a gradient is a view; it cannot be scaled in place');
    for (let i = 0; i < g.data.length; i++) g.data[i]! *= scale;
  }
  return norm;
}

import type { Tensor } from '@ocellus/tensor';
import { expect } from 'vitest';

/** max |a - b| over max |b|, after checking the shapes agree: how far a fused op is from its reference. */
export function maxScaledError(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const av = a.values();
  const bv = b.values();
  let scale = 1e-30;
  let worst = 0;
  for (let i = 0; i < av.length; i++) {
    scale = Math.max(scale, Math.abs(bv[i]!));
    worst = Math.max(worst, Math.abs(av[i]! - bv[i]!));
  }
  return worst / scale;
}

import { mul, noGrad, type Tensor } from '@ocellus/tensor';

/**
 * Scales every gradient by `maxNorm / ‖g‖` when the global L2 norm `‖g‖` over all of them exceeds
 * `maxNorm` (Pascanu et al. 2013); returns the norm before clipping.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  let squares = 0;
  for (const p of params) {
    if (!p.grad) continue;
    for (const g of p.grad.values()) squares += g * g;
  }
  const norm = Math.sqrt(squares);
  if (norm > maxNorm) {
    noGrad(() => {
      for (const p of params) if (p.grad) p.grad = mul(p.grad, maxNorm / norm);
    });
  }
  return norm;
}

import { add, matmul, mul, noGrad, reshape, sum, Tensor, transpose } from '@ocellus/tensor';

/**
 * Pairwise distances between the rows of `a` [m, d] and `b` [n, d]: L2 through one GEMM as
 * |a|^2 + |b|^2 - 2 a b^T (CS231n's no-loop version; squared, which ranks the same), L1 by loops.
 */
export function pairwiseDistances(a: Tensor, b: Tensor, metric: 'l1' | 'l2'): Tensor {
  return noGrad(() => {
    if (metric === 'l2') {
      const aa = sum(mul(a, a), 1, true);
      const bb = reshape(sum(mul(b, b), 1), [1, b.shape[0]!]);
      return add(add(aa, bb), mul(matmul(a, transpose(b)), -2));
    }
    const [m, d] = a.shape as [number, number];
    const n = b.shape[0]!;
    const av = a.values();
    const bv = b.values();
    const out = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += Math.abs(av[i * d + p]! - bv[j * d + p]!);
        out[i * n + j] = s;
      }
    }
    return new Tensor(out, [m, n]);
  });
}

// Dense float64 helpers for the linear-algebra tests: seeded inputs and the error measures.

import { prng, randomArray } from './seeded.js';

export function randomMatrix(m: number, n: number, seed: number): Float64Array {
  return randomArray(m * n, prng(seed));
}

/** C = op(A) op(B) for row-major A (m x k after op) and B (k x n after op). */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  return c;
}

/** ||a||_F, scaled by the largest entry so that 1e200-sized matrices do not overflow. */
export function frobenius(a: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]!));
  if (largest === 0) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! / largest) ** 2;
  return largest * Math.sqrt(s);
}

/** max_i |a_i - b_i|. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export function difference(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i]! - b[i]!);
}

/** ||X^T X - I||_F for an m x r matrix X, i.e. how far its columns are from orthonormal. */
export function columnOrthogonalityError(x: Float64Array, m: number, r: number): number {
  const gram = matmul(x, x, r, m, r, true, false);
  for (let i = 0; i < r; i++) gram[i * r + i]! -= 1;
  return frobenius(gram);
}

/** ||A - U diag(s) V^T||_F / ||A||_F (just ||A - ...|| when A is zero). */
export function reconstructionError(
  a: Float64Array,
  u: Float64Array,
  s: Float64Array,
  vt: Float64Array,
  m: number,
  n: number,
): number {
  const r = s.length;
  const us = Float64Array.from(u, (v, i) => v * s[i % r]!);
  const rebuilt = matmul(us, vt, m, r, n);
  const size = frobenius(a);
  return frobenius(difference(a, rebuilt)) / (size === 0 ? 1 : size);
}

/** The n x n Hilbert matrix 1 / (i + j + 1), symmetric positive definite with condition ~1e10 at n = 8. */
export function hilbert(n: number): Float64Array {
  return Float64Array.from({ length: n * n }, (_, k) => 1 / (Math.floor(k / n) + (k % n) + 1));
}

/** An orthogonal n x n matrix as a product of Householder reflections I - 2 v v^T / v^T v. */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  let q: Float64Array = Float64Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0));
  for (let reflection = 0; reflection < 3; reflection++) {
    const v = randomMatrix(n, 1, seed + reflection);
    const vv = v.reduce((s, x) => s + x * x, 0);
    const h = Float64Array.from({ length: n * n }, (_, k) => {
      const i = Math.floor(k / n);
      const j = k % n;
      return (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
    });
    q = matmul(q, h, n, n, n);
  }
  return q;
}

/** Q diag(d) Q^T: a symmetric matrix whose spectrum is d by construction. */
export function withSpectrum(d: readonly number[], seed: number): Float64Array {
  const n = d.length;
  const q = randomOrthogonal(n, seed);
  const qd = Float64Array.from(q, (v, k) => v * d[k % n]!);
  return matmul(qd, q, n, n, n, false, true);
}

import type { Gemm, MatrixRef } from '@ocellus/tensor/gemm';

export type Dtype = 'float32' | 'float64';

/** A rows x cols view at `offset` with row stride `ld` inside a larger buffer of values in [-1, 1). */
export function matrix(
  next: () => number,
  dtype: Dtype,
  rows: number,
  cols: number,
  options: { offset?: number; pad?: number; shared?: boolean } = {},
): MatrixRef {
  const offset = options.offset ?? 0;
  const ld = cols + (options.pad ?? 0);
  const length = offset + rows * ld + 3;
  const bytes = dtype === 'float64' ? 8 : 4;
  const buffer =
    options.shared === false ? new ArrayBuffer(length * bytes) : new SharedArrayBuffer(length * bytes);
  const data = dtype === 'float64' ? new Float64Array(buffer) : new Float32Array(buffer);
  for (let i = 0; i < length; i++) data[i] = next() * 2 - 1;
  return { data, offset, ld };
}

export interface Expected {
  /** The product in float64. */
  value: Float64Array;
  /** |alpha| sum_p |a_ip b_pj| + |beta c_ij|: what the rounding error of a k-term sum is proportional to. */
  magnitude: Float64Array;
}

/** The naive triple loop in float64, read straight from the definition of op(A) op(B). */
export function reference(...[transA, transB, m, n, k, alpha, a, b, beta, c]: Parameters<Gemm>): Expected {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a.data[a.offset + p * a.ld + i]! : a.data[a.offset + i * a.ld + p]!;
        const bv = transB ? b.data[b.offset + j * b.ld + p]! : b.data[b.offset + p * b.ld + j]!;
        sum += av * bv;
        abs += Math.abs(av * bv);
      }
      const old = c.data[c.offset + i * c.ld + j]!;
      value[i * n + j] = alpha * sum + (beta === 0 ? 0 : beta * old);
      magnitude[i * n + j] = Math.abs(alpha) * abs + (beta === 0 ? 0 : Math.abs(beta * old));
    }
  }
  return { value, magnitude };
}

/**
 * The largest error of C against the reference, in units of the classic bound
 * gamma_(k+3) * magnitude with gamma_n = n u / (1 - n u) (Higham, Accuracy and Stability, 3.5):
 * a correct GEMM stays below 1, a wrong element or a missed term lands far above it.
 */
export function errorRatio(
  expected: Expected,
  c: MatrixRef,
  m: number,
  n: number,
  k: number,
  dtype: Dtype,
): number {
  const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
  const gamma = ((k + 3) * u) / (1 - (k + 3) * u);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const got = c.data[c.offset + i * c.ld + j]!;
      const want = expected.value[i * n + j]!;
      const bound = gamma * expected.magnitude[i * n + j]! + Number.MIN_VALUE;
      const ratio = Number.isFinite(got) ? Math.abs(got - want) / bound : Number.POSITIVE_INFINITY;
      worst = Math.max(worst, ratio);
    }
  }
  return worst;
}

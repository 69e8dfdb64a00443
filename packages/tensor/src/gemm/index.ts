import type { Storage } from '../storage.js';

/** A row-major matrix inside a flat buffer: element (i, j) is `data[offset + i * ld + j]`. */
export interface MatrixRef {
  data: Storage;
  offset: number;
  ld: number;
}

/** C = alpha * op(A) * op(B) + beta * C, BLAS semantics; op(X) is X or its transpose. */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: MatrixRef,
  b: MatrixRef,
  beta: number,
  c: MatrixRef,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a.data[a.offset + p * a.ld + i]! : a.data[a.offset + i * a.ld + p]!;
        const bv = transB ? b.data[b.offset + j * b.ld + p]! : b.data[b.offset + p * b.ld + j]!;
        acc += av * bv;
      }
      const ci = c.offset + i * c.ld + j;
      c.data[ci] = beta === 0 ? alpha * acc : alpha * acc + beta * c.data[ci]!;
    }
  }
}

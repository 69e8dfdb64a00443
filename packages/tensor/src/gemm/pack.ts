import type { Storage } from '../storage.js';

export type Packed = Float32Array | Float64Array;

/**
 * Packs rows [i0, i0 + rows) x columns [p0, p0 + kc) of op(A), times alpha, as micro-panels of mr rows:
 * panel r holds kc groups of mr consecutive values; rows past the end are zeros.
 * op(A)[i][p] is src[off + i * ld + p], or src[off + p * ld + i] when transposed.
 */
export function packA(
  src: Storage,
  off: number,
  ld: number,
  trans: boolean,
  i0: number,
  rows: number,
  p0: number,
  kc: number,
  alpha: number,
  dst: Packed,
  d0: number,
  mr: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += mr) {
    const d = d0 + r0 * kc;
    const height = Math.min(mr, rows - r0);
    if (height < mr) dst.fill(0, d, d + kc * mr);
    if (trans) {
      for (let p = 0; p < kc; p++) {
        const s = off + (p0 + p) * ld + i0 + r0;
        const o = d + p * mr;
        for (let ii = 0; ii < height; ii++) dst[o + ii] = alpha * src[s + ii]!;
      }
    } else {
      for (let ii = 0; ii < height; ii++) {
        const s = off + (i0 + r0 + ii) * ld + p0;
        let o = d + ii;
        for (let p = 0; p < kc; p++) {
          dst[o] = alpha * src[s + p]!;
          o += mr;
        }
      }
    }
  }
}

/**
 * Packs columns [j0, j0 + cols) (cols <= nr) of op(B), all k rows, as one k x nr micro-panel at d0;
 * columns past the end are zeros. op(B)[p][j] is src[off + p * ld + j], or src[off + j * ld + p].
 */
export function packBPanel(
  src: Storage,
  off: number,
  ld: number,
  trans: boolean,
  j0: number,
  cols: number,
  k: number,
  dst: Packed,
  d0: number,
  nr: number,
): void {
  if (cols < nr) dst.fill(0, d0, d0 + k * nr);
  if (trans) {
    for (let jj = 0; jj < cols; jj++) {
      const s = off + (j0 + jj) * ld;
      let o = d0 + jj;
      for (let p = 0; p < k; p++) {
        dst[o] = src[s + p]!;
        o += nr;
      }
    }
  } else {
    for (let p = 0; p < k; p++) {
      const s = off + p * ld + j0;
      const o = d0 + p * nr;
      for (let jj = 0; jj < cols; jj++) dst[o + jj] = src[s + jj]!;
    }
  }
}

import type { Storage } from '../storage.js';

/** Copies a strided view into `out` in row-major order (the innermost dimension in a tight loop). */
export function stridedCopy(
  src: Storage,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  out: Storage,
  outOffset = 0,
): void {
  const nd = shape.length;
  if (nd === 0) {
    out[outOffset] = src[offset]!;
    return;
  }
  const inner = shape[nd - 1]!;
  const innerStride = strides[nd - 1]!;
  let rows = 1;
  for (let i = 0; i < nd - 1; i++) rows *= shape[i]!;
  if (inner === 0 || rows === 0) return;
  const idx = new Array<number>(nd - 1).fill(0);
  let base = offset;
  let o = outOffset;
  for (let r = 0; r < rows; r++) {
    let s = base;
    for (let j = 0; j < inner; j++, s += innerStride) out[o++] = src[s]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** The inverse of `stridedCopy`: writes row-major `src` into a strided view of `dst`. */
export function stridedWrite(
  dst: Storage,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  src: Storage,
  accumulate = false,
): void {
  const nd = shape.length;
  if (nd === 0) {
    dst[offset] = accumulate ? dst[offset]! + src[0]! : src[0]!;
    return;
  }
  const inner = shape[nd - 1]!;
  const innerStride = strides[nd - 1]!;
  let rows = 1;
  for (let i = 0; i < nd - 1; i++) rows *= shape[i]!;
  if (inner === 0 || rows === 0) return;
  const idx = new Array<number>(nd - 1).fill(0);
  let base = offset;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    let d = base;
    if (accumulate) for (let j = 0; j < inner; j++, d += innerStride) dst[d]! += src[s++]!;
    else for (let j = 0; j < inner; j++, d += innerStride) dst[d] = src[s++]!;
    for (let k = nd - 2; k >= 0; k--) {
      idx[k]!++;
      base += strides[k]!;
      if (idx[k]! < shape[k]!) break;
      base -= strides[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
}

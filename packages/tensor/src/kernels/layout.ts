import type { MatrixRef } from '../gemm/index.js';
import type { Storage } from '../storage.js';

/** A whole row-major buffer with leading dimension ld, as the GEMM takes it. */
export function matrix(data: Storage, ld: number): MatrixRef {
  return { data, offset: 0, ld };
}

/** [n, f, p] (NCHW with p = h * w) to position-major [n * p, f], the layout the conv GEMMs use. */
export function nchwToPositionMajor(src: Storage, n: number, f: number, p: number, dst: Storage): void {
  for (let b = 0; b < n; b++) {
    const base = b * f * p;
    for (let ch = 0; ch < f; ch++) {
      const s = base + ch * p;
      let d = base + ch;
      for (let i = 0; i < p; i++, d += f) dst[d] = src[s + i]!;
    }
  }
}

/** Position-major [n * p, f] to [n, f, p] plus a per-channel bias, overwriting dst. */
export function positionMajorToNchw(
  src: Storage,
  n: number,
  f: number,
  p: number,
  bias: Storage | null,
  dst: Storage,
): void {
  for (let b = 0; b < n; b++) {
    const base = b * f * p;
    for (let ch = 0; ch < f; ch++) {
      const d = base + ch * p;
      const add = bias === null ? 0 : bias[ch]!;
      let s = base + ch;
      for (let i = 0; i < p; i++, s += f) dst[d + i] = src[s]! + add;
    }
  }
}

/** Position-major [n * p, f] ADDED into [n, f, p]. */
export function addPositionMajorToNchw(src: Storage, n: number, f: number, p: number, dst: Storage): void {
  for (let b = 0; b < n; b++) {
    const base = b * f * p;
    for (let ch = 0; ch < f; ch++) {
      const d = base + ch * p;
      let s = base + ch;
      for (let i = 0; i < p; i++, s += f) dst[d + i]! += src[s]!;
    }
  }
}

/** ADDS the sum of [n, f, p] over n and p into sums[f]: the bias gradient. */
export function addChannelSums(src: Storage, n: number, f: number, p: number, sums: Storage): void {
  for (let ch = 0; ch < f; ch++) {
    let acc = 0;
    for (let b = 0; b < n; b++) {
      const s = (b * f + ch) * p;
      for (let i = 0; i < p; i++) acc += src[s + i]!;
    }
    sums[ch]! += acc;
  }
}

/** Sets every element of [n, f, p] to bias[f], or to 0 without a bias. */
export function fillChannels(bias: Storage | null, n: number, f: number, p: number, dst: Storage): void {
  if (bias === null) {
    dst.fill(0);
    return;
  }
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < f; ch++) dst.fill(bias[ch]!, (b * f + ch) * p, (b * f + ch + 1) * p);
  }
}

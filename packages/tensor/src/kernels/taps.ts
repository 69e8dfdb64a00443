/** For each output index along one axis, the kernel taps [start[o], end[o]) that land inside the input. */
export interface TapRanges {
  start: Int32Array;
  end: Int32Array;
}

/** Input index of tap k at output o is o * stride - pad + k * dilation; taps outside [0, size) hit padding. */
export function tapRanges(
  outSize: number,
  stride: number,
  pad: number,
  dilation: number,
  k: number,
  size: number,
): TapRanges {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const i0 = o * stride - pad;
    const first = i0 >= 0 ? 0 : Math.ceil(-i0 / dilation);
    const last = Math.min(k, Math.floor((size - 1 - i0) / dilation) + 1);
    start[o] = Math.min(first, k);
    end[o] = Math.max(last, start[o]!);
  }
  return { start, end };
}

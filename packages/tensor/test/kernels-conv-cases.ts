import type { ConvCase } from './kernels-reference.js';
import { randomArray } from './seeded.js';

/**
 * Convolution shapes shared by the im2col, conv2d and conv-transpose suites: a plain 3x3, stride,
 * padding, dilation, 1x1 kernels and a kernel larger than the image.
 */
export const convCases: readonly ConvCase[] = [
  { n: 1, c: 1, h: 5, w: 5, f: 1, kh: 3, kw: 3, stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 3, c: 2, h: 7, w: 11, f: 5, kh: 3, kw: 2, stride: [2, 3], padding: [1, 2], dilation: [1, 1] },
  { n: 1, c: 3, h: 13, w: 7, f: 2, kh: 3, kw: 3, stride: [1, 1], padding: [2, 2], dilation: [2, 2] },
  { n: 3, c: 5, h: 5, w: 3, f: 7, kh: 1, kw: 1, stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { n: 2, c: 3, h: 11, w: 13, f: 4, kh: 5, kw: 3, stride: [3, 2], padding: [2, 1], dilation: [2, 3] },
  { n: 1, c: 2, h: 5, w: 7, f: 3, kh: 1, kw: 1, stride: [2, 2], padding: [1, 1], dilation: [1, 1] },
  { n: 1, c: 1, h: 2, w: 3, f: 2, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
];

export function convLabel(p: ConvCase): string {
  return `n${p.n} c${p.c} ${p.h}x${p.w} f${p.f} k${p.kh}x${p.kw} s${p.stride} p${p.padding} d${p.dilation}`;
}

/** `[label, case]` rows for `it.each`, so each case's test is named by its sizes. */
export function labelled<T extends ConvCase>(
  cases: readonly T[],
  label: (p: T) => string = convLabel,
): (readonly [string, T])[] {
  return cases.map((p) => [label(p), p] as const);
}

export interface ConvData {
  x: Float64Array;
  w: Float64Array;
  bias: Float64Array;
  /** n * f * oh * ow. */
  outLength: number;
}

/** Random input, weight and bias of a case, drawn in that order from `random`. */
export function convData(p: ConvCase, random: () => number, out: { oh: number; ow: number }): ConvData {
  return {
    x: randomArray(p.n * p.c * p.h * p.w, random),
    w: randomArray(p.f * p.c * p.kh * p.kw, random),
    bias: randomArray(p.f, random),
    outLength: p.n * p.f * out.oh * out.ow,
  };
}

import { requireNonNegative, requirePositive } from './validate.js';

/** The sliding window of a convolution or pooling over NCHW input, each pair as [height, width]. */
export interface Window2dParams {
  kh: number;
  kw: number;
  /** [sh, sw]. */
  stride?: readonly [number, number];
  /** [ph, pw] on each side. */
  padding?: readonly [number, number];
  /** [dh, dw] spacing between kernel taps, default [1, 1]. */
  dilation?: readonly [number, number];
}

export interface Window2d {
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/**
 * The window with its defaults (padding 0, dilation 1), checked along with the operation's `sizes`:
 * sizes, kernel, stride and dilation positive integers, padding non-negative.
 */
export function window2d(
  op: string,
  params: Window2dParams,
  defaultStride: readonly [number, number],
  sizes: Record<string, number>,
): Window2d {
  const { kh, kw } = params;
  const [strideH, strideW] = params.stride ?? defaultStride;
  const [padH, padW] = params.padding ?? [0, 0];
  const [dilationH, dilationW] = params.dilation ?? [1, 1];
  // Two checks rather than one over a spread object: spreading `sizes` costs some microseconds a call.
  requirePositive(op, sizes);
  requirePositive(op, { kh, kw, strideH, strideW, dilationH, dilationW });
  requireNonNegative(op, { padH, padW });
  return { kh, kw, strideH, strideW, padH, padW, dilationH, dilationW };
}

/** Output rows and columns of a sliding window, torch.nn.Conv2d's floor((in + 2 pad - dilation (k - 1) - 1) / stride) + 1. */
export function windowOutput(h: number, w: number, win: Window2d): { oh: number; ow: number } {
  const { kh, kw, strideH, strideW, padH, padW, dilationH, dilationW } = win;
  return {
    oh: Math.floor((h + 2 * padH - dilationH * (kh - 1) - 1) / strideH) + 1,
    ow: Math.floor((w + 2 * padW - dilationW * (kw - 1) - 1) / strideW) + 1,
  };
}

import { type Window2d, type Window2dParams, window2d, windowOutput } from './window2d.js';

/** Sizes of a 2-D convolution over NCHW input with a [outChannels, c, kh, kw] weight; stride defaults to [1, 1]. */
export interface Conv2dParams extends Window2dParams {
  n: number;
  c: number;
  h: number;
  w: number;
  outChannels: number;
}

/** Everything a convolution kernel needs, validated once; `oh`, `ow` are the output sizes. */
export interface Conv2dGeometry extends Window2d {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly outChannels: number;
  readonly oh: number;
  readonly ow: number;
  /** Rows of the im2col matrix: n * oh * ow output positions (the GEMM's M). */
  readonly positions: number;
  /** Columns of the im2col matrix: c * kh * kw taps per position (the GEMM's K). */
  readonly patchSize: number;
}

export function conv2dGeometry(params: Conv2dParams): Conv2dGeometry {
  const { n, c, h, w, outChannels } = params;
  const win = window2d('conv2d', params, [1, 1], { n, c, h, w, outChannels });
  const { oh, ow } = windowOutput(h, w, win);
  const { kh, kw, strideH, strideW, padH, padW, dilationH, dilationW } = win;
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `conv2d: input ${h}x${w} with padding ${padH}x${padW} is smaller than the dilated kernel ` +
        `${dilationH * (kh - 1) + 1}x${dilationW * (kw - 1) + 1} (output would be ${oh}x${ow})`,
    );
  }
  return convGeometryOf({
    n,
    c,
    h,
    w,
    outChannels,
    kh,
    kw,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    oh,
    ow,
  });
}

/** Completes a geometry whose output size is already known (conv-transpose fixes it to its input size). */
export function convGeometryOf(g: Omit<Conv2dGeometry, 'positions' | 'patchSize'>): Conv2dGeometry {
  // Field by field: object spread costs microseconds a call, which batch-1 inference pays per layer.
  const { n, c, h, w, outChannels, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, oh, ow } = g;
  const positions = n * oh * ow;
  const patchSize = c * kh * kw;
  return {
    n,
    c,
    h,
    w,
    outChannels,
    kh,
    kw,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    oh,
    ow,
    positions,
    patchSize,
  };
}

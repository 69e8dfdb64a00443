import { requireNonNegative, requirePositive } from './validate.js';

/** Sizes of a 2-D convolution over NCHW input with a [outChannels, c, kh, kw] weight. */
export interface Conv2dParams {
  n: number;
  c: number;
  h: number;
  w: number;
  outChannels: number;
  kh: number;
  kw: number;
  /** [sh, sw], default [1, 1]. */
  stride?: readonly [number, number];
  /** [ph, pw] zeros on each side, default [0, 0]. */
  padding?: readonly [number, number];
  /** [dh, dw] spacing between kernel taps, default [1, 1]. */
  dilation?: readonly [number, number];
}

/** Everything a convolution kernel needs, validated once; `oh`, `ow` are the output sizes. */
export interface Conv2dGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly oh: number;
  readonly ow: number;
  /** Rows of the im2col matrix: n * oh * ow output positions (the GEMM's M). */
  readonly positions: number;
  /** Columns of the im2col matrix: c * kh * kw taps per position (the GEMM's K). */
  readonly patchSize: number;
}

export function conv2dGeometry(params: Conv2dParams): Conv2dGeometry {
  const [strideH, strideW] = params.stride ?? [1, 1];
  const [padH, padW] = params.padding ?? [0, 0];
  const [dilationH, dilationW] = params.dilation ?? [1, 1];
  const { n, c, h, w, outChannels, kh, kw } = params;
  requirePositive('conv2d', { n, c, h, w, outChannels, kh, kw, strideH, strideW, dilationH, dilationW });
  requireNonNegative('conv2d', { padH, padW });
  // torch.nn.Conv2d: out = floor((in + 2 pad - dilation (k - 1) - 1) / stride) + 1
  const oh = Math.floor((h + 2 * padH - dilationH * (kh - 1) - 1) / strideH) + 1;
  const ow = Math.floor((w + 2 * padW - dilationW * (kw - 1) - 1) / strideW) + 1;
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
  return { ...g, positions: g.n * g.oh * g.ow, patchSize: g.c * g.kh * g.kw };
}

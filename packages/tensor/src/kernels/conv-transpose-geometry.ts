import { type Conv2dGeometry, convGeometryOf } from './conv-geometry.js';
import { requireNonNegative, requirePositive } from './validate.js';

/** Sizes of a transposed convolution over NCHW input with a torch-layout [inChannels, outChannels, kh, kw] weight. */
export interface ConvTranspose2dParams {
  n: number;
  inChannels: number;
  h: number;
  w: number;
  outChannels: number;
  kh: number;
  kw: number;
  /** [sh, sw], default [1, 1]. */
  stride?: readonly [number, number];
  /** [ph, pw] removed from each side of the full output, default [0, 0]. */
  padding?: readonly [number, number];
  /** [oph, opw] extra rows/columns on the bottom/right, each below its stride or dilation, default [0, 0]. */
  outputPadding?: readonly [number, number];
  /** [dh, dw], default [1, 1]. */
  dilation?: readonly [number, number];
}

export interface ConvTranspose2dGeometry {
  readonly n: number;
  readonly inChannels: number;
  readonly h: number;
  readonly w: number;
  readonly outChannels: number;
  readonly kh: number;
  readonly kw: number;
  readonly outputPaddingH: number;
  readonly outputPaddingW: number;
  readonly oh: number;
  readonly ow: number;
  /**
   * The convolution this one transposes: it maps [n, outChannels, oh, ow] to [n, inChannels, h, w]
   * with the same weight, so its `c` is outChannels and its `outChannels` is inChannels.
   */
  readonly conv: Conv2dGeometry;
}

export function convTranspose2dGeometry(params: ConvTranspose2dParams): ConvTranspose2dGeometry {
  const [strideH, strideW] = params.stride ?? [1, 1];
  const [padH, padW] = params.padding ?? [0, 0];
  const [outputPaddingH, outputPaddingW] = params.outputPadding ?? [0, 0];
  const [dilationH, dilationW] = params.dilation ?? [1, 1];
  const { n, inChannels, h, w, outChannels, kh, kw } = params;
  const op = 'convTranspose2d';
  requirePositive(op, { n, inChannels, h, w, outChannels, kh, kw, strideH, strideW, dilationH, dilationW });
  requireNonNegative(op, { padH, padW, outputPaddingH, outputPaddingW });
  if (outputPaddingH >= Math.max(strideH, dilationH) || outputPaddingW >= Math.max(strideW, dilationW)) {
    throw new RangeError(
      `${op}: outputPadding ${outputPaddingH}x${outputPaddingW} must be smaller than stride or dilation ` +
        `(${strideH}x${strideW}, ${dilationH}x${dilationW})`,
    );
  }
  // torch.nn.ConvTranspose2d: out = (in - 1) stride - 2 pad + dilation (k - 1) + outputPadding + 1
  const oh = (h - 1) * strideH - 2 * padH + dilationH * (kh - 1) + outputPaddingH + 1;
  const ow = (w - 1) * strideW - 2 * padW + dilationW * (kw - 1) + outputPaddingW + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `${op}: padding ${padH}x${padW} leaves an empty output (${oh}x${ow}) for input ${h}x${w}`,
    );
  }
  const conv = convGeometryOf({
    n,
    c: outChannels,
    h: oh,
    w: ow,
    outChannels: inChannels,
    kh,
    kw,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    oh: h,
    ow: w,
  });
  return { n, inChannels, h, w, outChannels, kh, kw, outputPaddingH, outputPaddingW, oh, ow, conv };
}

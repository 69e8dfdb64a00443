import { type Conv2dGeometry, convGeometryOf } from './conv-geometry.js';
import { requireNonNegative } from './validate.js';
import { type Window2dParams, window2d } from './window2d.js';

/**
 * Sizes of a transposed convolution over NCHW input with a torch-layout [inChannels, outChannels, kh, kw]
 * weight; stride defaults to [1, 1], and padding is removed from each side of the full output.
 */
export interface ConvTranspose2dParams extends Window2dParams {
  n: number;
  inChannels: number;
  h: number;
  w: number;
  outChannels: number;
  /** [oph, opw] extra rows/columns on the bottom/right, each below its stride or dilation, default [0, 0]. */
  outputPadding?: readonly [number, number];
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
  const { n, inChannels, h, w, outChannels, kh, kw } = params;
  const op = 'convTranspose2d';
  const win = window2d(op, params, [1, 1], { n, inChannels, h, w, outChannels });
  const { strideH, strideW, padH, padW, dilationH, dilationW } = win;
  const [outputPaddingH, outputPaddingW] = params.outputPadding ?? [0, 0];
  requireNonNegative(op, { outputPaddingH, outputPaddingW });
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
    ...win,
    oh: h,
    ow: w,
  });
  return { n, inChannels, h, w, outChannels, kh, kw, outputPaddingH, outputPaddingW, oh, ow, conv };
}

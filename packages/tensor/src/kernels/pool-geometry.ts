import { type TapRanges, tapRanges } from './taps.js';
import { type Window2d, type Window2dParams, window2d, windowOutput } from './window2d.js';

/** Sizes of a 2-D max or average pooling over NCHW input; stride defaults to [kh, kw] as in torch. */
export interface Pool2dParams extends Omit<Window2dParams, 'dilation'> {
  n: number;
  c: number;
  h: number;
  w: number;
}

export interface Pool2dGeometry extends Omit<Window2d, 'dilationH' | 'dilationW'> {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly oh: number;
  readonly ow: number;
}

export function pool2dGeometry(params: Pool2dParams): Pool2dGeometry {
  const { n, c, h, w, kh, kw, stride, padding } = params;
  const win = window2d('pool2d', { kh, kw, stride, padding }, [kh, kw], { n, c, h, w });
  const { strideH, strideW, padH, padW } = win;
  // torch refuses wider padding: a window made only of padding would have no value to pool.
  if (2 * padH > kh || 2 * padW > kw) {
    throw new RangeError(`pool2d: padding ${padH}x${padW} must be at most half the kernel ${kh}x${kw}`);
  }
  const { oh, ow } = windowOutput(h, w, win);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `pool2d: input ${h}x${w} with padding ${padH}x${padW} is smaller than the kernel ${kh}x${kw}`,
    );
  }
  return { n, c, h, w, kh, kw, strideH, strideW, padH, padW, oh, ow };
}

/** For each output index along one axis, the input indices [start, end) its window covers, padding left out. */
function inputSpans(outSize: number, stride: number, pad: number, k: number, size: number): TapRanges {
  const spans = tapRanges(outSize, stride, pad, 1, k, size);
  for (let o = 0; o < outSize; o++) {
    spans.start[o]! += o * stride - pad;
    spans.end[o]! += o * stride - pad;
  }
  return spans;
}

/** The input rows under each output row's window and the input columns under each output column's. */
export function poolWindows(geo: Pool2dGeometry): { rows: TapRanges; cols: TapRanges } {
  return {
    rows: inputSpans(geo.oh, geo.strideH, geo.padH, geo.kh, geo.h),
    cols: inputSpans(geo.ow, geo.strideW, geo.padW, geo.kw, geo.w),
  };
}

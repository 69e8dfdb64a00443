import { requireNonNegative, requirePositive } from './validate.js';

/** Sizes of a 2-D max or average pooling over NCHW input. */
export interface Pool2dParams {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  /** [sh, sw], default [kh, kw] as in torch. */
  stride?: readonly [number, number];
  /** [ph, pw] on each side, at most half the kernel, default [0, 0]. */
  padding?: readonly [number, number];
}

export interface Pool2dGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly oh: number;
  readonly ow: number;
}

export function pool2dGeometry(params: Pool2dParams): Pool2dGeometry {
  const { n, c, h, w, kh, kw } = params;
  const [strideH, strideW] = params.stride ?? [kh, kw];
  const [padH, padW] = params.padding ?? [0, 0];
  requirePositive('pool2d', { n, c, h, w, kh, kw, strideH, strideW });
  requireNonNegative('pool2d', { padH, padW });
  // torch refuses wider padding: a window made only of padding would have no value to pool.
  if (2 * padH > kh || 2 * padW > kw) {
    throw new RangeError(`pool2d: padding ${padH}x${padW} must be at most half the kernel ${kh}x${kw}`);
  }
  // floor((in + 2 pad - k) / stride) + 1, torch's default (ceil_mode = false)
  const oh = Math.floor((h + 2 * padH - kh) / strideH) + 1;
  const ow = Math.floor((w + 2 * padW - kw) / strideW) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `pool2d: input ${h}x${w} with padding ${padH}x${padW} is smaller than the kernel ${kh}x${kw}`,
    );
  }
  return { n, c, h, w, kh, kw, strideH, strideW, padH, padW, oh, ow };
}

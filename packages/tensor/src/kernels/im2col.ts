import type { Storage } from '../storage.js';
import type { Conv2dGeometry } from './conv-geometry.js';
import { tapRanges } from './taps.js';
import { requireLength } from './validate.js';

/**
 * Unfolds NCHW `x` into `cols` of shape [n * oh * ow, c * kh * kw]: row (b, oy, ox) holds the
 * window under output position (oy, ox) of image b, column (ch, ky, kx) one tap; padding reads 0.
 */
export function im2col(x: Storage, geo: Conv2dGeometry, cols: Storage): void {
  const { n, c, h, w, kh, kw, oh, ow, padH, padW, strideH, strideW, dilationH, dilationW } = geo;
  requireLength('im2col', 'x', x, n * c * h * w);
  requireLength('im2col', 'cols', cols, geo.positions * geo.patchSize);
  const rows = tapRanges(oh, strideH, padH, dilationH, kh, h);
  const taps = tapRanges(ow, strideW, padW, dilationW, kw, w);
  const plane = h * w;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const ky0 = rows.start[oy]!;
      const ky1 = rows.end[oy]!;
      const iy0 = oy * strideH - padH;
      for (let ox = 0; ox < ow; ox++) {
        const kx0 = taps.start[ox]!;
        const kx1 = taps.end[ox]!;
        const ix0 = ox * strideW - padW;
        for (let ch = 0; ch < c; ch++) {
          const xc = (b * c + ch) * plane;
          for (let ky = 0; ky < kh; ky++) {
            if (ky < ky0 || ky >= ky1) {
              cols.fill(0, o, o + kw);
              o += kw;
              continue;
            }
            const xr = xc + (iy0 + ky * dilationH) * w + ix0;
            for (let kx = 0; kx < kx0; kx++) cols[o++] = 0;
            for (let kx = kx0; kx < kx1; kx++) cols[o++] = x[xr + kx * dilationW]!;
            for (let kx = kx1; kx < kw; kx++) cols[o++] = 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: ADDS every entry of `cols` into the input pixel it was read from (caller zeroes dx). */
export function col2im(cols: Storage, geo: Conv2dGeometry, dx: Storage): void {
  const { n, c, h, w, kh, kw, oh, ow, padH, padW, strideH, strideW, dilationH, dilationW } = geo;
  requireLength('col2im', 'cols', cols, geo.positions * geo.patchSize);
  requireLength('col2im', 'dx', dx, n * c * h * w);
  const rows = tapRanges(oh, strideH, padH, dilationH, kh, h);
  const taps = tapRanges(ow, strideW, padW, dilationW, kw, w);
  const plane = h * w;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const ky0 = rows.start[oy]!;
      const ky1 = rows.end[oy]!;
      const iy0 = oy * strideH - padH;
      for (let ox = 0; ox < ow; ox++) {
        const kx0 = taps.start[ox]!;
        const kx1 = taps.end[ox]!;
        const ix0 = ox * strideW - padW;
        for (let ch = 0; ch < c; ch++) {
          const xc = (b * c + ch) * plane;
          for (let ky = 0; ky < kh; ky++, o += kw) {
            if (ky < ky0 || ky >= ky1) continue;
            const xr = xc + (iy0 + ky * dilationH) * w + ix0;
            for (let kx = kx0; kx < kx1; kx++) dx[xr + kx * dilationW]! += cols[o + kx]!;
          }
        }
      }
    }
  }
}

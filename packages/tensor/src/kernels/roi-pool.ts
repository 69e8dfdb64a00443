import type { Storage } from '../storage.js';
import { narrowing, type RoiGeometry, requireRois } from './roi-geometry.js';
import { requireLength } from './validate.js';

/** torchvision starts each max at -FLT_MAX, in float64 too: a bin of only -Infinity pools to it. */
const FLT_MAX = 3.4028234663852886e38;

/** C's round(): halves away from zero, where Math.round takes -2.5 to -2. */
const roundHalfAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));

/**
 * Fast R-CNN's bins of one axis of one RoI (torchvision roi_pool): the rounded RoI is split into
 * `bins` by floor/ceil and clipped to the map; bin p covers [start[p], end[p]).
 */
function binSpans(
  lo: number,
  hi: number,
  bins: number,
  size: number,
  narrow: (v: number) => number,
  start: Int32Array,
  end: Int32Array,
): void {
  const extent = Math.max(hi - lo + 1, 1);
  const bin = narrow(extent / bins);
  for (let p = 0; p < bins; p++) {
    start[p] = Math.min(Math.max(Math.floor(narrow(p * bin)) + lo, 0), size);
    end[p] = Math.min(Math.max(Math.ceil(narrow((p + 1) * bin)) + lo, 0), size);
  }
}

/**
 * out[r, c, ph, pw] = max of x[batch(r), c] over the bin, 0 for an empty bin; argmax receives the
 * flat index into x of the first maximum in row-major order, -1 for an empty bin. NaN never wins.
 */
export function roiPoolForward(
  x: Storage,
  rois: ArrayLike<number>,
  geo: RoiGeometry,
  out: Storage,
  argmax: Int32Array,
): void {
  const { n, c, h, w, k, oh, ow, spatialScale } = geo;
  requireLength('roiPoolForward', 'x', x, n * c * h * w);
  requireLength('roiPoolForward', 'out', out, k * c * oh * ow);
  requireLength('roiPoolForward', 'argmax', argmax, k * c * oh * ow);
  requireRois('roiPoolForward', rois, geo);
  const narrow = narrowing(out);
  const scale = narrow(spatialScale);
  const corner = (v: number) => roundHalfAway(narrow(narrow(v) * scale));
  const rowStart = new Int32Array(oh);
  const rowEnd = new Int32Array(oh);
  const colStart = new Int32Array(ow);
  const colEnd = new Int32Array(ow);
  let o = 0;
  for (let r = 0; r < k; r++) {
    const row = r * 5;
    binSpans(corner(rois[row + 2]!), corner(rois[row + 4]!), oh, h, narrow, rowStart, rowEnd);
    binSpans(corner(rois[row + 1]!), corner(rois[row + 3]!), ow, w, narrow, colStart, colEnd);
    for (let ch = 0; ch < c; ch++) {
      const plane = (rois[row]! * c + ch) * h * w;
      for (let ph = 0; ph < oh; ph++) {
        const y0 = rowStart[ph]!;
        const y1 = rowEnd[ph]!;
        for (let pw = 0; pw < ow; pw++, o++) {
          const x0 = colStart[pw]!;
          const x1 = colEnd[pw]!;
          const empty = y1 <= y0 || x1 <= x0;
          let best = -1;
          let bestValue = empty ? 0 : -FLT_MAX;
          for (let y = y0; y < y1; y++) {
            const base = plane + y * w;
            for (let i = base + x0; i < base + x1; i++) {
              if (x[i]! > bestValue) {
                bestValue = x[i]!;
                best = i;
              }
            }
          }
          out[o] = bestValue;
          argmax[o] = best;
        }
      }
    }
  }
}

/** Routes each output gradient to the input that won its bin: dx[argmax[i]] += gradOut[i] (caller zeroes). */
export function roiPoolBackward(gradOut: Storage, argmax: Int32Array, dx: Storage): void {
  requireLength('roiPoolBackward', 'argmax', argmax, gradOut.length);
  for (let i = 0; i < gradOut.length; i++) {
    const at = argmax[i]!;
    if (at >= 0) dx[at]! += gradOut[i]!;
  }
}

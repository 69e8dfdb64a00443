import type { Storage } from '../storage.js';
import { fillRoiAlignWeights, type RoiSampling, roiAlignWeights } from './roi-align-weights.js';
import { narrowing, type RoiGeometry, requireRois } from './roi-geometry.js';
import { requireLength } from './validate.js';

/** Throws unless the buffers fit the geometry, the RoIs are valid and the sampling ratio an integer. */
export function requireRoiAlignBuffers(
  op: string,
  image: Storage,
  pooled: Storage,
  rois: ArrayLike<number>,
  geo: RoiGeometry,
  { samplingRatio }: RoiSampling,
) {
  const { n, c, h, w, k, oh, ow } = geo;
  requireLength(op, 'image', image, n * c * h * w);
  requireLength(op, 'pooled', pooled, k * c * oh * ow);
  requireRois(op, rois, geo);
  if (!Number.isInteger(samplingRatio)) {
    throw new RangeError(`${op}: samplingRatio must be an integer, got ${samplingRatio}`);
  }
}

/** Channels [from, to) of a call: all of them unless a pooled call hands out blocks. */
export interface ChannelRange {
  from: number;
  to: number;
}

/**
 * Mask R-CNN's RoIAlign (torchvision roi_align): out[r, c, ph, pw] is the mean of bilinear samples
 * of x[batch(r), c] on a regular grid in the bin. The weights are built once per RoI for all channels
 * (of `range`, the channels this call computes).
 */
export function roiAlignForward(
  x: Storage,
  rois: ArrayLike<number>,
  geo: RoiGeometry,
  sampling: RoiSampling,
  out: Storage,
  range: ChannelRange = { from: 0, to: geo.c },
): void {
  requireRoiAlignBuffers('roiAlignForward', x, out, rois, geo, sampling);
  const { c, h, w, k, oh, ow } = geo;
  const narrow = narrowing(out);
  const weights = roiAlignWeights(geo);
  const { start: rowStart, end: rowEnd, weight: rowWeight } = weights.rows;
  const { start: colStart, end: colEnd, weight: colWeight } = weights.cols;
  for (let r = 0; r < k; r++) {
    fillRoiAlignWeights(weights, rois, r, geo, sampling, narrow);
    for (let ch = range.from; ch < range.to; ch++) {
      const plane = (rois[r * 5]! * c + ch) * h * w;
      let o = (r * c + ch) * oh * ow;
      for (let ph = 0; ph < oh; ph++) {
        const y1 = rowEnd[ph]!;
        for (let pw = 0; pw < ow; pw++, o++) {
          const x0 = colStart[pw]!;
          const x1 = colEnd[pw]!;
          let acc = 0;
          for (let y = rowStart[ph]!; y < y1; y++) {
            const base = plane + y * w;
            let line = 0;
            for (let i = x0; i < x1; i++) line += colWeight[pw * w + i]! * x[base + i]!;
            acc += rowWeight[ph * h + y]! * line;
          }
          out[o] = acc / weights.count;
        }
      }
    }
  }
}

/**
 * Scatters each output gradient over the samples' bilinear taps: the adjoint of the forward (caller zeroes
 * dx). Channels of `range` only: calls on disjoint ranges write disjoint planes of dx.
 */
export function roiAlignBackward(
  gradOut: Storage,
  rois: ArrayLike<number>,
  geo: RoiGeometry,
  sampling: RoiSampling,
  dx: Storage,
  range: ChannelRange = { from: 0, to: geo.c },
): void {
  requireRoiAlignBuffers('roiAlignBackward', dx, gradOut, rois, geo, sampling);
  const { c, h, w, k, oh, ow } = geo;
  const narrow = narrowing(dx);
  const weights = roiAlignWeights(geo);
  const { start: rowStart, end: rowEnd, weight: rowWeight } = weights.rows;
  const { start: colStart, end: colEnd, weight: colWeight } = weights.cols;
  for (let r = 0; r < k; r++) {
    fillRoiAlignWeights(weights, rois, r, geo, sampling, narrow);
    for (let ch = range.from; ch < range.to; ch++) {
      const plane = (rois[r * 5]! * c + ch) * h * w;
      let o = (r * c + ch) * oh * ow;
      for (let ph = 0; ph < oh; ph++) {
        const y1 = rowEnd[ph]!;
        for (let pw = 0; pw < ow; pw++, o++) {
          const g = gradOut[o]! / weights.count;
          const x0 = colStart[pw]!;
          const x1 = colEnd[pw]!;
          for (let y = rowStart[ph]!; y < y1; y++) {
            const base = plane + y * w;
            const gy = g * rowWeight[ph * h + y]!;
            for (let i = x0; i < x1; i++) dx[base + i]! += gy * colWeight[pw * w + i]!;
          }
        }
      }
    }
  }
}

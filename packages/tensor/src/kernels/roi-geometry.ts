import { dtypeOf, type Storage } from '../storage.js';
import { requireLength, requireNonNegative, requirePositive } from './validate.js';

/** Sizes of an RoI pooling: feature map [n, c, h, w] and k RoIs in, [k, c, oh, ow] out. */
export interface RoiGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly k: number;
  readonly oh: number;
  readonly ow: number;
  /** Takes RoI corners from input-image pixels to feature-map pixels (1/16 for a stride-16 map). */
  readonly spatialScale: number;
}

export function roiGeometry(op: string, geo: RoiGeometry): RoiGeometry {
  const { n, c, h, w, k, oh, ow, spatialScale } = geo;
  requirePositive(op, { n, c, h, w, 'output height': oh, 'output width': ow });
  requireNonNegative(op, { 'RoI count': k });
  if (!(Number.isFinite(spatialScale) && spatialScale > 0)) {
    throw new RangeError(`${op}: spatialScale must be a positive finite number, got ${spatialScale}`);
  }
  return { n, c, h, w, k, oh, ow, spatialScale };
}

/** Throws unless rois holds k rows (batchIndex, x1, y1, x2, y2): an image of the batch and finite corners. */
export function requireRois(op: string, rois: ArrayLike<number>, geo: RoiGeometry): void {
  requireLength(op, 'rois', rois, geo.k * 5);
  for (let r = 0; r < geo.k; r++) {
    const b = rois[r * 5]!;
    if (!Number.isInteger(b) || b < 0 || b >= geo.n) {
      throw new RangeError(`${op}: RoI ${r} has batch index ${b}, expected an integer in [0, ${geo.n})`);
    }
    for (let j = 1; j < 5; j++) {
      if (!Number.isFinite(rois[r * 5 + j]!)) {
        throw new RangeError(`${op}: RoI ${r} has a non-finite coordinate ${rois[r * 5 + j]}`);
      }
    }
  }
}

const exact = (v: number): number => v;

/**
 * Rounds each step of the box arithmetic to the element type, as torchvision's kernels compute it
 * in `T`: float32 and float64 then agree on which pixels and samples a bin covers.
 */
export function narrowing(data: Storage): (v: number) => number {
  return dtypeOf(data) === 'float32' ? Math.fround : exact;
}

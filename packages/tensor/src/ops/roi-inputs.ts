import { type RoiGeometry, roiGeometry } from '../kernels/roi-geometry.js';
import type { Tensor } from '../tensor.js';
import { requireRank } from './conv-inputs.js';
import { input } from './op.js';

export interface RoiPoolAttrs {
  outputSize: [number, number];
  spatialScale: number;
}

export interface RoiAlignAttrs extends RoiPoolAttrs {
  samplingRatio: number;
  aligned: boolean;
}

/**
 * The feature map [n, c, h, w] and RoIs [k, 5] of an RoI op, checked, with the RoIs copied out as
 * float64 rows (they are not differentiable, and the backward must not see later writes to them).
 */
export function roiOperands(
  op: string,
  inputs: readonly Tensor[],
  { outputSize, spatialScale }: RoiPoolAttrs,
): { x: Tensor; rois: Float64Array; geo: RoiGeometry } {
  const x = input(inputs, 0);
  const boxes = input(inputs, 1);
  requireRank(op, 'input', x, 4);
  if (boxes.ndim !== 2 || boxes.shape[1] !== 5) {
    throw new Error(`${op}: rois must have shape [K, 5], got [${boxes.shape.join(', ')}]`);
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = outputSize;
  const geo = roiGeometry(op, { n, c, h, w, k: boxes.shape[0]!, oh, ow, spatialScale });
  return { x, rois: Float64Array.from(boxes.values()), geo };
}

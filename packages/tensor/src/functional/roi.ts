import { apply } from '../apply.js';
import type { Tensor } from '../tensor.js';

export interface RoiPoolOptions {
  /** [height, width] of each pooled RoI. */
  outputSize: number | readonly [number, number];
  /** Takes RoI corners from input-image pixels to feature-map pixels (default 1). */
  spatialScale?: number;
}

export interface RoiAlignOptions extends RoiPoolOptions {
  /** Sample points per bin along each axis; 0 or less (the default) picks ceil(bin size) per RoI. */
  samplingRatio?: number;
  /** Half-pixel shift of the RoI (torchvision's aligned=True); default false. */
  aligned?: boolean;
}

const size = (s: number | readonly [number, number]): [number, number] =>
  typeof s === 'number' ? [s, s] : [s[0], s[1]];

/**
 * torchvision.ops.roi_pool: input [n, c, h, w], rois [k, 5] rows (batchIndex, x1, y1, x2, y2) in
 * input-image pixels -> [k, c, oh, ow]. Differentiable in the input only.
 */
export const roiPool = (input: Tensor, rois: Tensor, options: RoiPoolOptions): Tensor =>
  apply('roiPool', [input, rois], {
    outputSize: size(options.outputSize),
    spatialScale: options.spatialScale ?? 1,
  });

/** torchvision.ops.roi_align with the same arguments as roiPool, plus the sampling grid and alignment. */
export const roiAlign = (input: Tensor, rois: Tensor, options: RoiAlignOptions): Tensor =>
  apply('roiAlign', [input, rois], {
    outputSize: size(options.outputSize),
    spatialScale: options.spatialScale ?? 1,
    samplingRatio: options.samplingRatio ?? 0,
    aligned: options.aligned ?? false,
  });

import { roiAlign, roiPool, type Tensor } from '@ocellus/tensor';
import { type RoiBatch, roiTensor } from './roi-heads.js';

/** How RoIs are cut out of the feature map: Fast R-CNN's max pooling or Mask R-CNN's bilinear RoIAlign. */
export interface RoiPooling {
  method: 'pool' | 'align';
  output: number;
  samplingRatio: number;
  /** Half-pixel aligned RoIAlign (Detectron2's ROIAlignV2); torchvision's unaligned one when absent. */
  aligned?: boolean;
}

/** Each RoI's `output x output` features from `features`; `scale` takes input pixels to map pixels. */
export function poolRois(features: Tensor, rois: RoiBatch, pooling: RoiPooling, scale: number): Tensor {
  const boxes = roiTensor(rois);
  const options = { outputSize: pooling.output, spatialScale: scale };
  return pooling.method === 'pool'
    ? roiPool(features, boxes, options)
    : roiAlign(features, boxes, {
        ...options,
        samplingRatio: pooling.samplingRatio,
        aligned: pooling.aligned ?? false,
      });
}

import { roiAlign, type Tensor } from '@ocellus/tensor';
import { type RoiBatch, roiTensor } from '../region/roi-heads.js';

/** R-CNN's context: 16 pixels of the 227 warped ones on each side are image around the box. */
const CONTEXT = 16 / 227;

/**
 * Each RoI cut out of its image and warped to `size x size` (bilinear, RoIAlign with two samples per bin
 * and axis), after the box is grown so that `CONTEXT` of the warped side on each edge is surroundings
 * (Girshick et al. 2014, appendix A: "warp with context padding").
 */
export function warpRois(images: Tensor, rois: RoiBatch, size: number): Tensor {
  const grow = CONTEXT / (1 - 2 * CONTEXT);
  const boxes = new Float32Array(rois.boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    const [x1, y1, x2, y2] = [rois.boxes[i]!, rois.boxes[i + 1]!, rois.boxes[i + 2]!, rois.boxes[i + 3]!];
    const dx = (x2 - x1) * grow;
    const dy = (y2 - y1) * grow;
    boxes.set([x1 - dx, y1 - dy, x2 + dx, y2 + dy], i);
  }
  return roiAlign(images, roiTensor({ boxes, imageOf: rois.imageOf }), {
    outputSize: size,
    spatialScale: 1,
    samplingRatio: 2,
  });
}

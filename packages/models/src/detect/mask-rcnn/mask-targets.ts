import { bceWithLogits } from '@ocellus/nn/losses';
import { noGrad, roiAlign, Tensor } from '@ocellus/tensor';
import type { ImageSize } from '../region/flat-boxes.js';
import type { RoiSample } from '../region/roi-heads.js';
import type { SceneObject } from '../region/scene-dataset.js';

/**
 * The mask targets of the positive RoIs (torchvision's `project_masks_on_boxes`): each matched object's
 * full-canvas mask RoIAligned to `size x size` over the RoI's box; [P, 1, size, size], values in 0..1.
 * Unlike torchvision the RoIAlign is half-pixel aligned (Detectron2's ROIAlignV2), the convention
 * `pasteMaskRle` pastes back with: unaligned targets sit half a pixel up and left of the strokes they cut
 * out, and on 2-3 pixel strokes that alone holds a perfect head's pasted masks to a median IoU of 0.67.
 */
export function maskTargets(
  sample: RoiSample,
  positives: readonly number[],
  objects: readonly (readonly SceneObject[])[],
  image: ImageSize,
  size: number,
): Tensor {
  const plane = image.height * image.width;
  const masks = new Float32Array(positives.length * plane);
  const rois = new Float32Array(5 * positives.length);
  positives.forEach((r, p) => {
    const object = objects[sample.imageOf[r]!]![sample.matched[r]!]!;
    if (!object.mask) throw new Error('mask-rcnn trains on objects with masks (a segment dataset)');
    masks.set(object.mask, p * plane);
    rois[5 * p] = p;
    rois.set(sample.boxes.subarray(4 * r, 4 * r + 4), 5 * p + 1);
  });
  return noGrad(() =>
    roiAlign(
      new Tensor(masks, [positives.length, 1, image.height, image.width]),
      new Tensor(rois, [positives.length, 5]),
      {
        outputSize: size,
        spatialScale: 1,
        samplingRatio: 0,
        aligned: true,
      },
    ),
  );
}

/**
 * Mask R-CNN's mask loss: binary cross-entropy with logits on each positive RoI's own class channel only,
 * averaged over those channels' pixels. `logits` [P, classes + 1, M, M], `targets` [P, 1, M, M].
 */
export function maskLoss(logits: Tensor, targets: Tensor, labels: readonly number[]): Tensor {
  const [p, channels, m] = logits.shape as [number, number, number];
  const area = m * m;
  const full = new Float32Array(p * channels * area);
  const weights = new Float32Array(p * channels * area);
  const values = targets.values();
  labels.forEach((label, i) => {
    const at = (i * channels + label) * area;
    full.set(values.subarray(i * area, (i + 1) * area), at);
    weights.fill(1, at, at + area);
  });
  const shape = logits.shape;
  return bceWithLogits(logits, new Tensor(full, shape), { weights: new Tensor(weights, shape) });
}

import type { Box } from '@ocellus/contracts';
import type { Batch, IndexedDataset } from '@ocellus/nn/train';
import { type Rng, Tensor } from '@ocellus/tensor';
import { gatherBatch, type ImageSet, type InputTransform, imageIndices } from '@ocellus/vision/datasets';
import type { ObjectsAugmentation } from '../augment/photo-like-objects.js';
import { encodeBox } from './box-encoding.js';

/** A batch's targets: each image's class and its box code (`encodeBox`), [n, 4]. */
export interface LocalizationTargets {
  classes: Int32Array;
  boxes: Tensor;
}

export interface LocalizationDatasetOptions {
  indices: Int32Array;
  /** Each image's class and box, for the images at `indices` of the set. */
  targets: (indices: Int32Array) => { index: number; box: Box }[];
  /** Moves the box with the image; an image whose object it drops is used as it was. */
  augment?: ObjectsAugmentation;
  preprocess?: InputTransform;
}

/** Images with one object each: gathered, augmented image by image with their boxes, then preprocessed. */
export class LocalizationDataset implements IndexedDataset<LocalizationTargets> {
  constructor(
    private readonly set: ImageSet,
    private readonly options: LocalizationDatasetOptions,
  ) {}

  get size(): number {
    return this.options.indices.length;
  }

  batch(positions: Int32Array, rng: Rng): Batch<LocalizationTargets> {
    const { indices, augment, preprocess } = this.options;
    const chosen = imageIndices(positions, indices.length, indices);
    const { height, width } = this.set;
    const gathered = gatherBatch(this.set, chosen);
    const targets = this.options.targets(chosen);
    const n = chosen.length;
    const plane = this.set.channels * height * width;
    const pixels = gathered.inputs.values() as Float32Array;
    const classes = new Int32Array(n);
    const boxes = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) {
      let { box } = targets[i]!;
      if (augment) {
        const image = pixels.subarray(i * plane, (i + 1) * plane);
        const changed = augment({ pixels: image, objects: [{ box }] }, rng);
        const [moved] = changed.objects;
        if (moved) {
          image.set(changed.pixels);
          box = moved.box;
        }
      }
      classes[i] = targets[i]!.index;
      encodeBox(box, width, height, boxes, 4 * i);
    }
    const images = new Tensor(pixels, gathered.inputs.shape);
    return {
      inputs: preprocess ? preprocess.transform(images) : images,
      targets: { classes, boxes: new Tensor(boxes, [n, 4]) },
      size: n,
    };
  }
}

import type { Box } from '@ocellus/contracts';
import type { Batch, IndexedDataset } from '@ocellus/nn/train';
import { type Rng, Tensor } from '@ocellus/tensor';
import { gatherBatch, type ImageSet, imageIndices } from '@ocellus/vision/datasets';
import type { ObjectsAugmentation } from '../augment/photo-like-objects.js';
import type { TaskTargets } from '../types.js';

/**
 * A batch's targets: each image's caption as word tokens (no `<start>` or `<end>`), and where the
 * dataset says where its words lie, each word's box (`regions`, else undefined for that image).
 */
export interface CaptionTargets {
  captions: Int32Array[];
  regions: (Box[] | undefined)[];
}

/**
 * Images with their captions, read at `indices` of the set; with `augment`, each image changed by it
 * (seeded by the batch's rng). The augmentation must keep every object where it is: the caption and
 * the regions stay.
 */
export class CaptionDataset implements IndexedDataset<CaptionTargets> {
  constructor(
    private readonly set: ImageSet,
    private readonly indices: Int32Array,
    private readonly targets: (indices: Int32Array) => TaskTargets['caption'][],
    private readonly augment?: ObjectsAugmentation,
  ) {}

  get size(): number {
    return this.indices.length;
  }

  batch(positions: Int32Array, rng: Rng): Batch<CaptionTargets> {
    const chosen = imageIndices(positions, this.indices.length, this.indices);
    const gathered = gatherBatch(this.set, chosen).inputs;
    const pixels = gathered.values() as Float32Array;
    if (this.augment) {
      const plane = this.set.channels * this.set.height * this.set.width;
      for (let i = 0; i < chosen.length; i++) {
        const image = pixels.subarray(i * plane, (i + 1) * plane);
        image.set(this.augment({ pixels: image, objects: [] }, rng).pixels);
      }
    }
    const inputs = new Tensor(pixels, gathered.shape);
    const targets = this.targets(chosen);
    return {
      inputs,
      targets: { captions: targets.map((t) => t.tokens), regions: targets.map((t) => t.regions) },
      size: chosen.length,
    };
  }
}

import type { Batch, IndexedDataset } from '@ocellus/nn/train';
import { type Rng, Tensor } from '@ocellus/tensor';
import { gatherBatch, type ImageSet, imageIndices } from '@ocellus/vision/datasets';
import type { ObjectsAugmentation } from '../../augment/photo-like-objects.js';
import type { TaskTargets } from '../../types.js';
import type { BoxObject } from './roi-heads.js';

/** A batch's targets: each image's objects, in model-input pixels. */
export interface SceneTargets {
  objects: BoxObject[][];
}

export interface SceneDatasetOptions {
  indices: Int32Array;
  targets: (indices: Int32Array) => TaskTargets['detect'][];
  augment?: ObjectsAugmentation;
}

/** Scenes with their objects, gathered and augmented image by image with their boxes. */
export class SceneDataset implements IndexedDataset<SceneTargets> {
  constructor(
    private readonly set: ImageSet,
    private readonly options: SceneDatasetOptions,
  ) {}

  get size(): number {
    return this.options.indices.length;
  }

  batch(positions: Int32Array, rng: Rng): Batch<SceneTargets> {
    const { indices, augment } = this.options;
    const chosen = imageIndices(positions, indices.length, indices);
    const gathered = gatherBatch(this.set, chosen);
    const plane = this.set.channels * this.set.height * this.set.width;
    const pixels = gathered.inputs.values() as Float32Array;
    const objects = this.options.targets(chosen).map((t, i) => {
      if (!augment) return t.objects;
      const image = pixels.subarray(i * plane, (i + 1) * plane);
      const changed = augment({ pixels: image, objects: t.objects }, rng);
      image.set(changed.pixels);
      return [...changed.objects];
    });
    return { inputs: new Tensor(pixels, gathered.inputs.shape), targets: { objects }, size: chosen.length };
  }
}

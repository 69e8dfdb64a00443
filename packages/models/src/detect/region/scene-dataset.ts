import type { Box } from '@ocellus/contracts';
import type { Batch, IndexedDataset } from '@ocellus/nn/train';
import { type Rng, Tensor } from '@ocellus/tensor';
import { gatherBatch, type ImageSet, imageIndices } from '@ocellus/vision/datasets';
import { decodeMask } from '@ocellus/vision/rle';
import type { ObjectsAugmentation } from '../../augment/photo-like-objects.js';
import type { TaskTargets } from '../../types.js';

/** An object of a training scene; with a mask (full canvas, row-major 0/1) when the task has masks. */
export interface SceneObject {
  index: number;
  box: Box;
  mask?: Uint8Array;
}

/** A batch's targets: each image's objects, in model-input pixels. */
export interface SceneTargets {
  objects: SceneObject[][];
}

export interface SceneDatasetOptions {
  indices: Int32Array;
  targets: (indices: Int32Array) => (TaskTargets['detect'] | TaskTargets['segment'])[];
  augment?: ObjectsAugmentation;
}

/** A target's objects with their masks (when they have them) decoded to full-canvas bitmaps. */
function sceneObjects(target: TaskTargets['detect'] | TaskTargets['segment']): SceneObject[] {
  return target.objects.map((o) =>
    'mask' in o
      ? { index: o.index, box: [...o.box], mask: decodeMask(o.mask) }
      : { index: o.index, box: [...o.box] },
  );
}

/** Scenes with their objects, gathered and augmented image by image with their boxes (and masks). */
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
      const own = sceneObjects(t);
      if (!augment) return own;
      const image = pixels.subarray(i * plane, (i + 1) * plane);
      const changed = augment({ pixels: image, objects: own }, rng);
      image.set(changed.pixels);
      return [...changed.objects];
    });
    return { inputs: new Tensor(pixels, gathered.inputs.shape), targets: { objects }, size: chosen.length };
  }
}

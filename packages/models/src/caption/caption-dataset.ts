import type { Batch, IndexedDataset } from '@ocellus/nn/train';
import { gatherBatch, type ImageSet, imageIndices } from '@ocellus/vision/datasets';
import type { TaskTargets } from '../types.js';

/** A batch's targets: each image's caption as word tokens (no `<start>` or `<end>`). */
export interface CaptionTargets {
  captions: Int32Array[];
}

/** Images with their captions, read at `indices` of the set. */
export class CaptionDataset implements IndexedDataset<CaptionTargets> {
  constructor(
    private readonly set: ImageSet,
    private readonly indices: Int32Array,
    private readonly targets: (indices: Int32Array) => TaskTargets['caption'][],
  ) {}

  get size(): number {
    return this.indices.length;
  }

  batch(positions: Int32Array): Batch<CaptionTargets> {
    const chosen = imageIndices(positions, this.indices.length, this.indices);
    const { inputs } = gatherBatch(this.set, chosen);
    return { inputs, targets: { captions: this.targets(chosen).map((t) => t.tokens) }, size: chosen.length };
  }
}

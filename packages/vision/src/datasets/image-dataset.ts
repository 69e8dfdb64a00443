import type { Rng, Tensor } from '@ocellus/tensor';
import { type Batch, gatherBatch, type ImageSet } from './image-set.js';
import { imageIndices } from './positions.js';

/** Random access by position, structurally the same type as @ocellus/nn's. */
export interface IndexedDataset<T = Int32Array> {
  readonly size: number;
  batch(indices: Int32Array, rng: Rng): Batch<T>;
}

/** A fitted preprocessing step (see `@ocellus/vision/preprocessing`). */
export interface InputTransform {
  transform(inputs: Tensor): Tensor;
}

/** Seeded batch augmentation (see `@ocellus/vision/augment`); pass it for the training dataset only. */
export type BatchAugmentation = (batch: Tensor, rng: Rng) => Tensor;

export interface ImageDatasetOptions {
  /** The set's images this dataset exposes, position p being `indices[p]`; all of them when absent. */
  indices?: Int32Array;
  augment?: BatchAugmentation;
  preprocess?: InputTransform;
}

/** In-memory images: each batch is gathered, augmented (with the caller's rng), then preprocessed. */
export class ImageDataset implements IndexedDataset {
  private readonly indices: Int32Array | undefined;
  private readonly augment: BatchAugmentation | undefined;
  private readonly preprocess: InputTransform | undefined;

  constructor(
    readonly set: ImageSet,
    options: ImageDatasetOptions = {},
  ) {
    this.indices = options.indices;
    this.augment = options.augment;
    this.preprocess = options.preprocess;
  }

  get size(): number {
    return this.indices ? this.indices.length : this.set.size;
  }

  /** The labels of every position, in order. */
  labels(): Int32Array {
    const { labels } = this.set;
    return this.indices ? this.indices.map((i) => labels[i]!) : labels.slice();
  }

  batch(positions: Int32Array, rng: Rng): Batch {
    const indices = imageIndices(positions, this.size, this.indices);
    const gathered = gatherBatch(this.set, indices);
    let inputs = gathered.inputs;
    if (this.augment) inputs = this.augment(inputs, rng);
    if (this.preprocess) inputs = this.preprocess.transform(inputs);
    return { inputs, targets: gathered.targets, size: gathered.size };
  }
}

export interface BatchesOptions {
  shuffle?: boolean;
  dropLast?: boolean;
}

/** One epoch of batches in an order drawn from `rng` (the same rng drives any augmentation). */
export function* batches<T>(
  dataset: IndexedDataset<T>,
  batchSize: number,
  rng: Rng,
  options: BatchesOptions = {},
): Generator<Batch<T>> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size ${batchSize} < 1`);
  const order =
    options.shuffle === false
      ? Int32Array.from({ length: dataset.size }, (_, i) => i)
      : rng.permutation(dataset.size);
  const end = options.dropLast ? order.length - (order.length % batchSize) : order.length;
  for (let start = 0; start < end; start += batchSize) {
    yield dataset.batch(order.subarray(start, Math.min(start + batchSize, end)), rng);
  }
}

import { indexSelect, type Rng, type Tensor } from '@ocellus/tensor';

/**
 * One minibatch: stacked inputs, the matching targets and how many examples it holds.
 * Structural on purpose: @ocellus/vision builds these without importing @ocellus/nn.
 */
export interface Batch<T = Int32Array> {
  inputs: Tensor;
  targets: T;
  size: number;
}

/** A dataset read by example index; `rng` is the run's generator, for augmentation. */
export interface IndexedDataset<T = Int32Array> {
  readonly size: number;
  batch(indices: Int32Array, rng: Rng): Batch<T>;
}

/** Examples already in memory: rows of `inputs` (first axis) with one integer label each. */
export function tensorDataset(inputs: Tensor, targets: Int32Array): IndexedDataset<Int32Array> {
  const size = inputs.shape[0] ?? 0;
  if (targets.length !== size) {
    throw new Error(`tensorDataset: ${size} inputs but ${targets.length} targets`);
  }
  return {
    size,
    batch(indices) {
      return {
        inputs: indexSelect(inputs, 0, indices),
        targets: Int32Array.from(indices, (i) => targets[i]!),
        size: indices.length,
      };
    },
  };
}

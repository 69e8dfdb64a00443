export {
  type BatchAugmentation,
  type BatchesOptions,
  batches,
  ImageDataset,
  type ImageDatasetOptions,
  type IndexedDataset,
  type InputTransform,
} from './dataset.js';
export { type Fold, kFold, mnistFolds } from './folds.js';
export { type Batch, gatherBatch, type ImageSet } from './image-set.js';
export { loadMnist, MNIST_CLASS_COUNTS, MNIST_LABELS, MNIST_SIDE } from './load.js';
export {
  type CanonicalSplit,
  canonicalSplit,
  type MnistSubset,
  type MnistSubsetOptions,
  mnistSubset,
} from './split.js';
export { proportionalCounts } from './stratify.js';

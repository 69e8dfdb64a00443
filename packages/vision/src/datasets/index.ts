export { type Fold, kFold } from './folds.js';
export {
  type BatchAugmentation,
  type BatchesOptions,
  batches,
  ImageDataset,
  type ImageDatasetOptions,
  type IndexedDataset,
  type InputTransform,
} from './image-dataset.js';
export { type Batch, gatherBatch, type ImageSet } from './image-set.js';
export { imageIndices } from './positions.js';
export { groupByLabel, proportionalCounts, shuffled } from './stratify.js';

export { fromRecords, toRecords } from './artifact.js';
export { KnnClassifier } from './classify/knn.js';
export { NetworkClassifier } from './classify/network-classifier.js';
export {
  type DataOptions,
  type PreparedData,
  prepareData,
  UnsupportedDatasetError,
} from './data/training-data.js';
export { families, familyOf, modelFromArtifact, UnknownArchitectureError } from './families.js';
export { type ClassifierEvaluation, evaluateClassifier } from './pipeline/evaluate.js';
export { publishedBy } from './pipeline/published-by.js';
export { type JobContext, type JobOutcome, runTrainingJob } from './pipeline/run-job.js';
export {
  hyperparameterSearch,
  type SearchOptions,
  type SearchOutcome,
  type SearchRecord,
  type TrialRecord,
} from './search/run-search.js';
export {
  gridPoints,
  MAX_GRID_TRIALS,
  type SearchDimension,
  SearchSpaceError,
  type SearchValue,
  searchTrials,
  type TrialValues,
} from './search/space.js';
export { type JobSpecSchema, trialSpec } from './search/trial-spec.js';
export { backbonePrefixes, TransferError } from './transfer/backbone.js';
export { loadTransferSource, type TransferRecord, type TransferSource } from './transfer/source.js';
export type {
  Artifact,
  AttentionGrid,
  ComputeOptions,
  Detection,
  FitHooks,
  ModelFamily,
  RoiMask,
  TaskOutput,
  TaskOutputs,
  TrainingData,
  VisionModel,
} from './types.js';

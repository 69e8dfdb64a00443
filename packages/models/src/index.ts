export { artifactRecords, fromRecords, toRecords } from './artifact.js';
export { Captioner } from './caption/captioner.js';
export { CaptionerEnsemble } from './caption/captioner-ensemble.js';
export { KnnClassifier } from './classify/knn.js';
export { NetworkClassifier } from './classify/network-classifier.js';
export type { DataOptions, DatasetName, DatasetSource, PreparedData } from './data/dataset-source.js';
export { datasets, prepareData, UnsupportedDatasetError } from './data/datasets.js';
export { FastRcnn } from './detect/fast-rcnn/fast-rcnn.js';
export { FasterRcnn } from './detect/faster-rcnn/faster-rcnn.js';
export { MaskRcnn } from './detect/mask-rcnn/mask-rcnn.js';
export { Rcnn } from './detect/rcnn/rcnn.js';
export { SlidingWindowDetector } from './detect/sliding-window/sliding-window.js';
export { families, familyOf, modelFromArtifact, UnknownArchitectureError } from './families.js';
export { Localizer } from './localize/localizer.js';
export { evaluateModel, type TaskEvaluation } from './pipeline/evaluators.js';
export { predictAll } from './pipeline/predict-all.js';
export { publishedBy } from './pipeline/published-by.js';
export { type JobContext, type JobOutcome, runTrainingJob } from './pipeline/run-job.js';
export { type ScoringContext, scorers } from './pipeline/scorers/index.js';
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
  TaskTargets,
  TrainingData,
  VisionModel,
} from './types.js';
export { UnsupportedArchitectureError } from './unsupported.js';

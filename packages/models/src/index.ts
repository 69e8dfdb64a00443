export { fromRecords, toRecords } from './artifact.js';
export { KnnClassifier } from './classify/knn.js';
export { NetworkClassifier } from './classify/network-classifier.js';
export { topPredictions } from './classify/predictions.js';
export { type PreparedData, prepareData, UnsupportedDatasetError } from './data/training-data.js';
export { families, familyOf, modelFromArtifact, UnknownArchitectureError } from './families.js';
export { type ClassifierEvaluation, evaluateClassifier } from './pipeline/evaluate.js';
export { type JobContext, type JobOutcome, runTrainingJob } from './pipeline/run-job.js';
export type {
  Artifact,
  FitHooks,
  ModelFamily,
  PredictOptions,
  TaskOutput,
  TrainingData,
  VisionModel,
} from './types.js';

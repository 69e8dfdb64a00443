export {
  type BestRecord,
  type Checkpoint,
  cloneState,
  type EpochLoss,
  type EpochRecord,
} from './checkpoint.js';
export { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
export { type Batch, type IndexedDataset, tensorDataset } from './dataset.js';
export { type NonFiniteLossDetails, NonFiniteLossError, TrainingAbortedError } from './errors.js';
export { type EvaluateOptions, evaluate } from './evaluate.js';
export { fit } from './fit.js';
export { type LossTerms, lossMetric, sumLossTerms } from './loss-terms.js';
export type { FitOptions, FitProgress, FitResult, ForwardFn, MetricFn, Monitor } from './options.js';
export { epochOrder } from './order.js';

export { type BceWithLogitsOptions, bceWithLogits } from './bce.js';
export { softmaxCrossEntropy } from './cross-entropy.js';
export type { Labels } from './labels.js';
export { applyMaxNorm, type MaxNormOptions } from './max-norm.js';
export type { ClassLossOptions, LossOptions, Reduction } from './reduction.js';
export { l1Loss, mseLoss, type SmoothL1Options, smoothL1Loss } from './regression.js';
export {
  elasticNetPenalty,
  l1Penalty,
  l2Penalty,
  type ParameterSource,
} from './regularizers.js';
export { type SvmLossOptions, svmLoss } from './svm.js';

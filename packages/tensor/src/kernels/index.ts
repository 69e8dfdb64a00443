export {
  additiveEnergyBackward,
  additiveEnergyForward,
  type EnergyCoverage,
  type EnergyDims,
  type EnergyGrads,
} from './additive-energy.js';
export { avgPool2dBackward, avgPool2dForward } from './avg-pool2d.js';
export {
  type BatchNormLayout,
  type BatchNormStats,
  batchNormBackward,
  batchNormForward,
} from './batch-norm.js';
export { type Conv2dGeometry, type Conv2dParams, conv2dGeometry } from './conv-geometry.js';
export {
  backwardFloats,
  CONV_PASS_BYTES,
  forwardFloats,
  imagesPerPass,
  withBatch,
} from './conv-passes.js';
export { type ConvScratch, convScratch } from './conv-scratch.js';
export {
  type ConvTranspose2dGeometry,
  type ConvTranspose2dParams,
  convTranspose2dGeometry,
} from './conv-transpose-geometry.js';
export { convTranspose2dBackward, convTranspose2dForward } from './conv-transpose2d.js';
export {
  type Conv2dBackwardOptions,
  type Conv2dForwardOptions,
  type ConvGrads,
  type ConvOptions,
  type ConvPath,
  conv2dBackward,
  conv2dForward,
} from './conv2d.js';
export { spatialChosen } from './direct-conv2d.js';
export { type InputGradPlan, inputGradPlan } from './direct-input-grad.js';
export { col2im, im2col } from './im2col.js';
export { maxPool2dBackward, maxPool2dForward } from './max-pool2d.js';
export { type Pool2dGeometry, type Pool2dParams, pool2dGeometry } from './pool-geometry.js';
export { reluBackward, reluForward } from './relu.js';
export { roiAlignBackward, roiAlignForward } from './roi-align.js';
export { ROI_PARALLEL_MIN, roiAlignPooled } from './roi-align-pooled.js';
export type { RoiSampling } from './roi-align-weights.js';
export { type RoiGeometry, roiGeometry } from './roi-geometry.js';
export { roiPoolBackward, roiPoolForward } from './roi-pool.js';
export { maxPool2x2Backward, maxPool2x2Fits, maxPool2x2Forward } from './simd-pool2d.js';
export { fastTanh, tanhForward } from './tanh.js';
export type { ConvInputGrad } from './winograd-input-grad.js';
export type { ConvWeightGrad } from './winograd-weight-grad.js';

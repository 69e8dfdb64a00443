export { backward, isGradEnabled, noGrad } from './autograd.js';
export { forwardChain } from './chain.js';
export {
  arange,
  type CreateOptions,
  eye,
  full,
  ones,
  rand,
  randint,
  randn,
  shuffle,
  tensor,
  zeros,
} from './creation.js';
export * from './functional/arithmetic.js';
export { additiveEnergy, type EnergyCoverageTerm } from './functional/attention.js';
export { type BatchNormOptions, batchNorm } from './functional/batch-norm.js';
export { reduceTo } from './functional/broadcast.js';
export {
  avgPool2d,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
  col2im,
  conv2d,
  convTranspose2d,
  type FusedConv2dOptions,
  im2col,
  maxPool2d,
  type Pool2dOptions,
} from './functional/conv.js';
export { scalar, type TensorLike } from './functional/lift.js';
export { linear, matmul } from './functional/matmul.js';
export * from './functional/reduce.js';
export { type RoiAlignOptions, type RoiPoolOptions, roiAlign, roiPool } from './functional/roi.js';
export * from './functional/shape-ops.js';
export { logSoftmax, logsumexp, softmax, softmaxCrossEntropy } from './functional/softmax.js';
export { type GradCheckOptions, type GradCheckResult, gradCheck } from './grad-check.js';
export { type OpAttrs, type OpName, ops } from './ops/registry.js';
export { Rng, type RngState } from './rng.js';
export { broadcastShapes, type Shape, sizeOf } from './shape.js';
export { allocate, type DType, type Storage } from './storage.js';
export { releasingTemporaries } from './temporaries.js';
export { type GraphNode, type NestedArray, Tensor } from './tensor.js';

export { channelShape, elu, leakyRelu, prelu, relu, sigmoid, tanh } from './activation-functions.js';
export { ELU, LeakyReLU, PReLU, type PReLUOptions, ReLU, Sigmoid, Tanh } from './activations.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm.js';
export {
  Conv2d,
  type Conv2dOptions,
  ConvTranspose2d,
  type ConvTranspose2dOptions,
  type Pair,
} from './conv.js';
export { Dropout, Dropout2d, type DropoutOptions } from './dropout.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { Flatten } from './flatten.js';
export { Linear } from './linear.js';
export type { WeightOptions } from './options.js';
export { AvgPool2d, MaxPool2d, type Pool2dOptions } from './pool.js';
export { Sequential } from './sequential.js';

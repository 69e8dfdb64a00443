export { channelShape, elu, leakyRelu, prelu, relu, sigmoid, tanh } from './activation-functions.js';
export { ELU, LeakyReLU, PReLU, type PReLUOptions, ReLU, Sigmoid, Tanh } from './activations.js';
export { Linear } from './linear.js';
export type { WeightOptions } from './options.js';

export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export { clipGradNorm } from './clip.js';
export { FirstOrderOptimizer, type FirstOrderOptions } from './first-order.js';
export { type Closure, LBFGS, type LbfgsOptions } from './lbfgs.js';
export type { Optimizer, OptimizerState } from './optimizer.js';
export { RMSProp, type RmspropOptions } from './rmsprop.js';
export { cosineLr, exponentialLr, type LrSchedule, stepLr } from './schedules.js';
export { SGD, type SgdOptions } from './sgd.js';

import { apply } from '../apply.js';
import type { BatchNormAttrs } from '../ops/batch-norm.js';
import type { Tensor } from '../tensor.js';

export interface BatchNormOptions {
  eps?: number;
  /** Normalise with these statistics (eval); without, with the batch's own (training). */
  running?: BatchNormAttrs['running'];
  /** Receives the batch mean and biased variance per channel (training). */
  record?: BatchNormAttrs['record'];
  /** Applied to the output in the same pass. */
  activation?: 'relu';
}

/** Batch normalisation over axis 1 of [N, C, ...] with scale `weight` [C] and shift `bias` [C], one op. */
export function batchNorm(x: Tensor, weight: Tensor, bias: Tensor, options: BatchNormOptions = {}): Tensor {
  const attrs: BatchNormAttrs = { eps: options.eps ?? 1e-5, relu: options.activation === 'relu' };
  if (options.running) attrs.running = options.running;
  if (options.record) attrs.record = options.record;
  return apply('batchNorm', [x, weight, bias], attrs);
}

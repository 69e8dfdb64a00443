import { isGradEnabled, type Tensor } from '@ocellus/tensor';
import type { TensorModule } from '../module.js';
import { ReLU } from './activations.js';
import { BatchNorm2d } from './batchnorm.js';
import { Conv2d } from './conv.js';
import { MaxPool2d } from './pool.js';

/** One step of a Sequential that stands for `length` layers. */
export interface FusedStep {
  step: (h: Tensor) => Tensor;
  length: number;
}

/**
 * Where no gradient is wanted: layer `i` a Conv2d followed (before `end`) by any of an eval-mode
 * BatchNorm2d, a ReLU and a 2x2 stride-2 MaxPool2d, in that order, as one conv op (the norm folded into
 * its weights, the ReLU and pooling in its epilogue). Null when there is nothing to fuse.
 */
export function fusedConvBlock(layers: readonly TensorModule[], i: number, end: number): FusedStep | null {
  const conv = layers[i];
  if (!(conv instanceof Conv2d) || isGradEnabled()) return null;
  let j = i + 1;
  const next = () => (j < end ? layers[j] : undefined);
  const candidate = next();
  const norm = candidate instanceof BatchNorm2d && !candidate.training ? candidate : null;
  if (norm) j++;
  const relu = next()?.constructor === ReLU;
  if (relu) j++;
  const pooling = next();
  const pool = pooling instanceof MaxPool2d && pooling.halves;
  if (pool) j++;
  if (j === i + 1) return null;
  return { step: (h) => conv.forwardFused(h, { norm, relu, pool }), length: j - i };
}

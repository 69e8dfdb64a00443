import { type DType, rand, type Tensor, zeros } from '@ocellus/tensor';
import { resolveRng, type SeedOptions } from '../init.js';

export interface RecurrentOptions extends SeedOptions {
  dtype?: DType;
}

/** torch's recurrent default: every weight U(±1/√H); biases start at 0. */
export function recurrentWeight(shape: readonly number[], hidden: number, options: RecurrentOptions): Tensor {
  const bound = 1 / Math.sqrt(hidden);
  return rand(shape, resolveRng(options), { low: -bound, high: bound, dtype: options.dtype ?? 'float32' });
}

/** A zero `[N, H]` state in the dtype of the layer's weights. */
export function zeroState(n: number, hidden: number, weight: Tensor): Tensor {
  return zeros([n, hidden], { dtype: weight.dtype });
}

import type { DType, Tensor } from '@ocellus/tensor';
import {
  type Fans,
  type InitOptions,
  type InitScheme,
  initWeight,
  resolveRng,
  type SeedOptions,
} from '../init.js';

/** How a weighted layer builds its parameters. */
export interface WeightOptions extends SeedOptions, InitOptions {
  /** Default `he`: these layers usually feed a ReLU (CS231n: "use He init with ReLU"). */
  init?: InitScheme;
  /** Learn an additive bias (initialised to 0); default true. */
  bias?: boolean;
}

export function layerDType(options: { dtype?: DType }): DType {
  return options.dtype ?? 'float32';
}

export function initLayerWeight(shape: readonly number[], options: WeightOptions, fans?: Fans): Tensor {
  return initWeight(options.init ?? 'he', shape, resolveRng(options), {
    dtype: layerDType(options),
    ...(options.negativeSlope === undefined ? {} : { negativeSlope: options.negativeSlope }),
    ...(fans ? { fans } : {}),
  });
}

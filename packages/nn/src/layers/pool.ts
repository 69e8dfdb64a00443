import { avgPool2d, maxPool2d, type Tensor } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import type { Pair } from './conv.js';

export interface Pool2dOptions {
  /** Defaults to the kernel size (non-overlapping windows), as torch. */
  stride?: Pair;
  /** At most half the kernel; max pooling pads with -inf, average pooling counts the zeros. */
  padding?: Pair;
}

/** Max over each window of each channel; the gradient goes to the first maximum (torch). */
export class MaxPool2d extends Module implements TensorModule {
  constructor(
    readonly kernelSize: Pair,
    private readonly options: Pool2dOptions = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** Mean over each window of each channel (torch's count_include_pad). */
export class AvgPool2d extends Module implements TensorModule {
  constructor(
    readonly kernelSize: Pair,
    private readonly options: Pool2dOptions = {},
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

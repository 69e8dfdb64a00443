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

  /** A 2x2 window at stride 2 without padding: the pooling a conv op can fuse. */
  get halves(): boolean {
    const two = (v: Pair | undefined) =>
      v === undefined || v === 2 || (typeof v !== 'number' && v[0] === 2 && v[1] === 2);
    const none = (v: Pair | undefined) =>
      v === undefined || v === 0 || (typeof v !== 'number' && v[0] === 0 && v[1] === 0);
    return two(this.kernelSize) && two(this.options.stride) && none(this.options.padding);
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

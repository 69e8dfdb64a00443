import { flatten, type Tensor } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';

/** Merges every axis from `startAxis` on, e.g. conv features `[N, C, H, W]` -> `[N, C·H·W]`. */
export class Flatten extends Module implements TensorModule {
  constructor(readonly startAxis = 1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startAxis);
  }
}

import { type DType, full, relu, sigmoid, type Tensor, tanh } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import { elu, leakyRelu, prelu } from './activation-functions.js';

export class Sigmoid extends Module implements TensorModule {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module implements TensorModule {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class ReLU extends Module implements TensorModule {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class LeakyReLU extends Module implements TensorModule {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}

export interface PReLUOptions {
  /** 1 (shared) or the channel count of axis 1. */
  numParameters?: number;
  init?: number;
  dtype?: DType;
}

/** He et al. 2015, alpha starting at 0.25; it is not weight-decayed (the paper and torch leave it out). */
export class PReLU extends Module implements TensorModule {
  readonly alpha: Tensor;

  constructor(options: PReLUOptions = {}) {
    super();
    const alpha = full([options.numParameters ?? 1], options.init ?? 0.25, {
      dtype: options.dtype ?? 'float32',
    });
    this.alpha = this.registerParameter('alpha', alpha, false);
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.alpha);
  }
}

export class ELU extends Module implements TensorModule {
  constructor(readonly alpha = 1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
}

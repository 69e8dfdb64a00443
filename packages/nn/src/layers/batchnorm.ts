import {
  add,
  type DType,
  div,
  mean,
  mul,
  ones,
  reshape,
  sqrt,
  sub,
  type Tensor,
  tensor,
  zeros,
} from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import { channelShape } from './activation-functions.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages (torch's 0.1). */
  momentum?: number;
  dtype?: DType;
}

/**
 * Ioffe & Szegedy 2015 over axis 1: batch statistics while training (biased variance to normalise,
 * unbiased in running_var, as torch), running statistics at eval. gamma (`weight`) and beta
 * (`bias`) are not regularised, so the identity gamma = sqrt(var + eps), beta = mean stays reachable.
 */
abstract class BatchNorm extends Module implements TensorModule {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly eps: number;
  readonly momentum: number;
  private readonly dtype: DType;

  constructor(
    readonly numFeatures: number,
    private readonly ranks: readonly number[],
    options: BatchNormOptions,
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.dtype = options.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', ones([numFeatures], { dtype: this.dtype }), false);
    this.bias = this.registerParameter('bias', zeros([numFeatures], { dtype: this.dtype }), false);
    this.registerBuffer('runningMean', zeros([numFeatures], { dtype: this.dtype }));
    this.registerBuffer('runningVar', ones([numFeatures], { dtype: this.dtype }));
  }

  get runningMean(): Tensor {
    return this.buffer('runningMean');
  }

  get runningVar(): Tensor {
    return this.buffer('runningVar');
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim)) {
      throw new Error(
        `${this.constructor.name}: expected rank ${this.ranks.join(' or ')}, got [${x.shape.join(', ')}]`,
      );
    }
    const shape = channelShape(x, this.numFeatures);
    const xhat = this.training ? this.normaliseByBatch(x) : this.normaliseByRunning(x, shape);
    return add(mul(xhat, reshape(this.weight, shape)), reshape(this.bias, shape));
  }

  private normaliseByBatch(x: Tensor): Tensor {
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const count = x.size / this.numFeatures;
    if (count < 2) {
      throw new Error(`${this.constructor.name}: training needs more than 1 value per channel`);
    }
    const mu = mean(x, axes, true);
    const centred = sub(x, mu);
    const biasedVar = mean(mul(centred, centred), axes, true);
    this.updateRunning(mu.values(), biasedVar.values(), count);
    return div(centred, sqrt(add(biasedVar, this.eps)));
  }

  private normaliseByRunning(x: Tensor, shape: number[]): Tensor {
    const std = sqrt(add(reshape(this.runningVar, shape), this.eps));
    return div(sub(x, reshape(this.runningMean, shape)), std);
  }

  /** running = (1 - momentum) running + momentum batch, the variance term unbiased by n / (n - 1). */
  private updateRunning(batchMean: ArrayLike<number>, biasedVar: ArrayLike<number>, count: number): void {
    const m = this.momentum;
    const oldMean = this.runningMean.values();
    const oldVar = this.runningVar.values();
    const nextMean = new Float64Array(this.numFeatures);
    const nextVar = new Float64Array(this.numFeatures);
    for (let c = 0; c < this.numFeatures; c++) {
      nextMean[c] = (1 - m) * oldMean[c]! + m * batchMean[c]!;
      nextVar[c] = (1 - m) * oldVar[c]! + m * biasedVar[c]! * (count / (count - 1));
    }
    this.setBuffer('runningMean', tensor(nextMean, [this.numFeatures], { dtype: this.dtype }));
    this.setBuffer('runningVar', tensor(nextVar, [this.numFeatures], { dtype: this.dtype }));
  }
}

/** Over `[N, C]` (features) or `[N, C, L]` (sequences), statistics per C. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
}

/** Spatial batchnorm over `[N, C, H, W]`: statistics per channel over N, H and W. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [4], options);
  }
}

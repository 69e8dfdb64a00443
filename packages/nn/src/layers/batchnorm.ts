import { batchNorm, type DType, ones, type Tensor, tensor, zeros } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import { channelShape } from './activation-functions.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages (torch's 0.1). */
  momentum?: number;
  dtype?: DType;
}

/**
 * Ioffe & Szegedy 2015 over axis 1, one fused op: batch statistics while training (biased variance to
 * normalise, unbiased in running_var, as torch), running statistics at eval. gamma (`weight`) and beta
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
    return this.normalise(x, false);
  }

  /**
   * The eval-mode normalisation folded into the layer before it (a conv or linear map with weight
   * [out, ...] and optional bias [out]): scale = gamma / sqrt(running var + eps) per output, weight
   * rows times scale, bias (b - running mean) scale + beta. Values only, no gradient.
   */
  fold(weight: Tensor, bias: Tensor | null): { weight: Tensor; bias: Tensor } {
    if (this.training) throw new Error(`${this.constructor.name}: only eval statistics fold into a layer`);
    const n = this.numFeatures;
    if (weight.shape[0] !== n) {
      throw new Error(
        `${this.constructor.name}: cannot fold ${n} features into weight [${weight.shape.join(', ')}]`,
      );
    }
    const [gamma, beta] = [this.weight.values(), this.bias.values()];
    const [mean, variance] = [this.runningMean.values(), this.runningVar.values()];
    const w = weight.values();
    const b = bias?.values();
    const row = w.length / n;
    const folded = new Float64Array(w.length);
    const shift = new Float64Array(n);
    for (let f = 0; f < n; f++) {
      const scale = gamma[f]! / Math.sqrt(variance[f]! + this.eps);
      for (let i = f * row; i < (f + 1) * row; i++) folded[i] = w[i]! * scale;
      shift[f] = ((b?.[f] ?? 0) - mean[f]!) * scale + beta[f]!;
    }
    const dtype = weight.dtype;
    return { weight: tensor(folded, weight.shape, { dtype }), bias: tensor(shift, [n], { dtype }) };
  }

  /** relu(batchnorm(x)) as one op (Sequential uses it for a BatchNorm followed by a ReLU). */
  forwardRelu(x: Tensor): Tensor {
    return this.normalise(x, true);
  }

  private normalise(x: Tensor, relu: boolean): Tensor {
    if (!this.ranks.includes(x.ndim)) {
      throw new Error(
        `${this.constructor.name}: expected rank ${this.ranks.join(' or ')}, got [${x.shape.join(', ')}]`,
      );
    }
    channelShape(x, this.numFeatures);
    const activation = relu ? { activation: 'relu' as const } : {};
    if (!this.training) {
      const running = { mean: this.runningMean.values(), variance: this.runningVar.values() };
      return batchNorm(x, this.weight, this.bias, { eps: this.eps, running, ...activation });
    }
    const count = x.size / this.numFeatures;
    if (count < 2) {
      throw new Error(`${this.constructor.name}: training needs more than 1 value per channel`);
    }
    const record = (mean: Float64Array, variance: Float64Array) => this.updateRunning(mean, variance, count);
    return batchNorm(x, this.weight, this.bias, { eps: this.eps, record, ...activation });
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

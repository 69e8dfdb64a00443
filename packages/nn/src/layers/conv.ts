import { conv2d, convTranspose2d, type Tensor, zeros } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import { initLayerWeight, layerDType, type WeightOptions } from './options.js';

/** A size per spatial axis, or one for both (`kernelSize: 3` is 3x3). */
export type Pair = number | readonly [number, number];

const pairOf = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export interface Conv2dOptions extends WeightOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

/** NCHW convolution with a torch-layout weight `[out, in, kh, kw]`; fan_in = in·kh·kw for the init. */
export class Conv2d extends Module implements TensorModule {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  private readonly geometry: Omit<Conv2dOptions, keyof WeightOptions>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super();
    this.geometry = { stride: options.stride, padding: options.padding, dilation: options.dilation };
    this.kernelSize = pairOf(kernelSize);
    const shape = [outChannels, inChannels, ...this.kernelSize];
    this.weight = this.registerParameter('weight', initLayerWeight(shape, options));
    this.bias =
      options.bias === false
        ? null
        : this.registerParameter('bias', zeros([outChannels], { dtype: layerDType(options) }));
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.geometry);
  }

  /** relu(conv2d(x)) as one op (Sequential uses it for a Conv2d followed by a ReLU). */
  forwardRelu(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { ...this.geometry, activation: 'relu' });
  }

  /**
   * conv2d, then an eval-mode `norm`, a ReLU and a 2x2 max-pool as asked, in one op: the norm folded into
   * the weights and bias (see BatchNorm.fold), the pooling fused where no gradient is wanted.
   */
  forwardFused(x: Tensor, { norm, relu, pool }: FusedTail): Tensor {
    const { weight, bias } = norm ? norm.fold(this.weight, this.bias) : this;
    return conv2d(x, weight, bias, { ...this.geometry, ...(relu ? { activation: 'relu' } : {}), pool });
  }
}

/** What Conv2d.forwardFused applies after the convolution. */
export interface FusedTail {
  norm: { fold(weight: Tensor, bias: Tensor | null): { weight: Tensor; bias: Tensor } } | null;
  relu: boolean;
  pool: boolean;
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra rows/columns on the bottom/right to pick one of the output sizes a stride allows. */
  outputPadding?: Pair;
}

/**
 * The adjoint of Conv2d (learned upsampling), weight `[in, out, kh, kw]` as torch; the init uses
 * fan_in = in·kh·kw like Conv2d (torch's default reads the out axis instead).
 */
export class ConvTranspose2d extends Module implements TensorModule {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  private readonly geometry: Omit<ConvTranspose2dOptions, keyof WeightOptions>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dOptions = {},
  ) {
    super();
    const { stride, padding, dilation, outputPadding } = options;
    this.geometry = { stride, padding, dilation, outputPadding };
    this.kernelSize = pairOf(kernelSize);
    const [kh, kw] = this.kernelSize;
    const fans = { fanIn: inChannels * kh * kw, fanOut: outChannels * kh * kw };
    this.weight = this.registerParameter(
      'weight',
      initLayerWeight([inChannels, outChannels, kh, kw], options, fans),
    );
    this.bias =
      options.bias === false
        ? null
        : this.registerParameter('bias', zeros([outChannels], { dtype: layerDType(options) }));
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.geometry);
  }
}

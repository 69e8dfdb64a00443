import { linear, type Tensor, zeros } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import { initLayerWeight, layerDType, type WeightOptions } from './options.js';

/** Affine map `y = x Wᵀ + b` over the last axis; W is `[out, in]` as in torch. */
export class Linear extends Module implements TensorModule {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: WeightOptions = {},
  ) {
    super();
    this.weight = this.registerParameter('weight', initLayerWeight([outFeatures, inFeatures], options));
    this.bias =
      options.bias === false
        ? null
        : this.registerParameter('bias', zeros([outFeatures], { dtype: layerDType(options) }));
  }

  forward(x: Tensor): Tensor {
    return this.affine(x, false);
  }

  /** relu(x Wᵀ + b) as one op (Sequential uses it for a Linear followed by a ReLU). */
  forwardRelu(x: Tensor): Tensor {
    return this.affine(x, true);
  }

  private affine(x: Tensor, relu: boolean): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new Error(`Linear: expected ${this.inFeatures} input features, got [${x.shape.join(', ')}]`);
    }
    return linear(x, this.weight, this.bias, relu ? { activation: 'relu' } : {});
  }
}

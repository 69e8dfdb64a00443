import { type DType, mul, type Rng, type Tensor, zeros } from '@ocellus/tensor';
import { resolveRng, type SeedOptions } from '../init.js';
import { Module, type TensorModule } from '../module.js';

export interface DropoutOptions extends SeedOptions {
  /** A fixed keep mask (1 keeps, 0 drops; broadcast against the input), e.g. for gradient checks. */
  mask?: Tensor;
}

/**
 * Inverted dropout (Srivastava et al. 2014, CS231n): while training each unit is kept with
 * probability 1 - p and scaled by 1 / (1 - p), so eval is the identity and keeps the expectation.
 */
export class Dropout extends Module implements TensorModule {
  private readonly rng: Rng;
  private readonly mask: Tensor | null;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability must be in [0, 1], got ${p}`);
    this.rng = resolveRng(options);
    this.mask = options.mask ?? null;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return mul(x, 0);
    const scale = 1 / (1 - this.p);
    // The scale rides on the mask (0 or 1 / (1 - p)): one multiply over x instead of two, same values.
    const keep = this.mask ? mul(this.mask, scale) : this.sampleMask(this.maskShape(x), x.dtype, scale);
    return mul(x, keep);
  }

  /** One draw per element; Dropout2d draws one per channel. */
  protected maskShape(x: Tensor): number[] {
    return [...x.shape];
  }

  private sampleMask(shape: number[], dtype: DType, scale: number): Tensor {
    const keep = zeros(shape, { dtype });
    const v = keep.data;
    for (let i = 0; i < v.length; i++) v[i] = this.rng.uniform() >= this.p ? scale : 0;
    return keep;
  }
}

/** Channel-wise dropout for conv features (Tompson et al. 2015): whole `[H, W]` maps are kept or dropped. */
export class Dropout2d extends Dropout {
  protected override maskShape(x: Tensor): number[] {
    if (x.ndim !== 4) throw new Error(`Dropout2d: expected [N, C, H, W], got [${x.shape.join(', ')}]`);
    return [x.shape[0]!, x.shape[1]!, 1, 1];
  }
}

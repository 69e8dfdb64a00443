import { exp, gt, minimum, mul, reshape, sub, type Tensor, where } from '@ocellus/tensor';

export { relu, sigmoid, tanh } from '@ocellus/tensor';

/** x for x > 0, a·x otherwise; `where` rather than max(x, a·x), which is only right for a < 1. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/** Leaky ReLU with a learnable slope: one for all channels, or one per channel (axis 1). */
export function prelu(x: Tensor, alpha: Tensor): Tensor {
  const slope = alpha.size === 1 ? reshape(alpha, []) : reshape(alpha, channelShape(x, alpha.size));
  return where(gt(x, 0), x, mul(x, slope));
}

/** Clevert et al. 2016: x for x > 0, α(eˣ − 1) otherwise; exp(min(x, 0)) keeps large x from overflowing. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return where(gt(x, 0), x, mul(sub(exp(minimum(x, 0)), 1), alpha));
}

/** `[1, C, 1, ...]` so a per-channel vector broadcasts over an NC... input. */
export function channelShape(x: Tensor, channels: number): number[] {
  if (x.ndim < 2 || x.shape[1] !== channels) {
    throw new Error(`expected ${channels} channels on axis 1, got [${x.shape.join(', ')}]`);
  }
  return x.shape.map((_, i) => (i === 1 ? channels : 1));
}

import { apply } from '../apply.js';
import type { Tensor } from '../tensor.js';

/** Batched matrix product over the last two axes (rank >= 2, batch axes broadcast). */
export const matmul = (a: Tensor, b: Tensor): Tensor => apply('matmul', [a, b], {});

/** x W^T + b over the last axis (W [out, in] as torch.nn.Linear), optionally through a fused ReLU. */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: { activation?: 'relu' } = {},
): Tensor {
  return apply('linear', bias ? [x, weight, bias] : [x, weight], { relu: options.activation === 'relu' });
}

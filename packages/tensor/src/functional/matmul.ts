import { apply } from '../apply.js';
import type { Tensor } from '../tensor.js';

/** Batched matrix product over the last two axes (rank >= 2, batch axes broadcast). */
export const matmul = (a: Tensor, b: Tensor): Tensor => apply('matmul', [a, b], {});

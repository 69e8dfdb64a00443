import type { Tensor } from '@ocellus/tensor';
import { expect } from 'vitest';
import { maxScaledError as maxScaledValueError } from './kernels-reference.js';

/** `kernels-reference`'s max scaled error of two tensors' values, after checking their shapes agree. */
export function maxScaledError(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return maxScaledValueError(a.values(), b.values());
}

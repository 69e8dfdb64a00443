import { apply } from '../apply.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, mul, sub } from './arithmetic.js';

type Axes = number | readonly number[] | undefined;

export const sum = (x: Tensor, axes?: Axes, keepDims = false): Tensor =>
  apply('sum', [x], { axes: normalizeAxes(axes, x.ndim), keepDims });

export const max = (x: Tensor, axes?: Axes, keepDims = false): Tensor =>
  apply('max', [x], { axes: normalizeAxes(axes, x.ndim), keepDims });

export const min = (x: Tensor, axes?: Axes, keepDims = false): Tensor =>
  apply('min', [x], { axes: normalizeAxes(axes, x.ndim), keepDims });

function countOver(x: Tensor, axes: Axes): number {
  return sizeOf(normalizeAxes(axes, x.ndim).map((a) => x.shape[a]!));
}

export const mean = (x: Tensor, axes?: Axes, keepDims = false): Tensor =>
  div(sum(x, axes, keepDims), countOver(x, axes));

/** Variance; `correction = 1` gives the unbiased estimate. */
export function variance(x: Tensor, axes?: Axes, keepDims = false, correction = 0): Tensor {
  const d = sub(x, mean(x, axes, true));
  return div(sum(mul(d, d), axes, keepDims), Math.max(countOver(x, axes) - correction, 1));
}

export const argmax = (x: Tensor, axis = -1, keepDims = false): Tensor =>
  apply('argReduce', [x], { kind: 'max', axis: normalizeAxis(axis, x.ndim), keepDims });

export const argmin = (x: Tensor, axis = -1, keepDims = false): Tensor =>
  apply('argReduce', [x], { kind: 'min', axis: normalizeAxis(axis, x.ndim), keepDims });

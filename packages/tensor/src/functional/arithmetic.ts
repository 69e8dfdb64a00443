import { apply } from '../apply.js';
import type { CompareKind } from '../ops/compare.js';
import type { Tensor } from '../tensor.js';
import { lift2, scalar, type TensorLike } from './lift.js';

export const add = (a: TensorLike, b: TensorLike): Tensor => apply('add', lift2(a, b), {});
export const sub = (a: TensorLike, b: TensorLike): Tensor => apply('sub', lift2(a, b), {});
export const mul = (a: TensorLike, b: TensorLike): Tensor => apply('mul', lift2(a, b), {});
export const div = (a: TensorLike, b: TensorLike): Tensor => apply('div', lift2(a, b), {});
export const pow = (a: TensorLike, b: TensorLike): Tensor => apply('pow', lift2(a, b), {});
export const maximum = (a: TensorLike, b: TensorLike): Tensor => apply('maximum', lift2(a, b), {});
export const minimum = (a: TensorLike, b: TensorLike): Tensor => apply('minimum', lift2(a, b), {});

const compare = (kind: CompareKind) => (a: TensorLike, b: TensorLike) =>
  apply('compare', lift2(a, b), { kind });
export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');

/** `a` where `cond` is non-zero, `b` elsewhere (broadcast). */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] =
    typeof a === 'number' && typeof b === 'number'
      ? [scalar(a, cond.dtype), scalar(b, cond.dtype)]
      : lift2(a, b);
  return apply('where', [cond, x, y], {});
}

export const neg = (x: Tensor): Tensor => apply('neg', [x], {});
export const exp = (x: Tensor): Tensor => apply('exp', [x], {});
export const log = (x: Tensor): Tensor => apply('log', [x], {});
export const sqrt = (x: Tensor): Tensor => apply('sqrt', [x], {});
export const abs = (x: Tensor): Tensor => apply('abs', [x], {});
export const sign = (x: Tensor): Tensor => apply('sign', [x], {});
export const relu = (x: Tensor): Tensor => apply('relu', [x], {});
export const sigmoid = (x: Tensor): Tensor => apply('sigmoid', [x], {});
export const tanh = (x: Tensor): Tensor => apply('tanh', [x], {});

export function clamp(x: Tensor, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): Tensor {
  if (min > max) throw new Error(`clamp: min ${min} is above max ${max}`);
  return apply('clamp', [x], { min, max });
}

export const square = (x: Tensor): Tensor => mul(x, x);
export const reciprocal = (x: Tensor): Tensor => div(scalar(1, x.dtype), x);

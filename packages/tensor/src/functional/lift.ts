import { allocate, type DType } from '../storage.js';
import { Tensor } from '../tensor.js';

export type TensorLike = Tensor | number;

export function scalar(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(data, []);
}

/** Turns numbers into 0-d tensors of the other operand's dtype. */
export function lift2(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, scalar(b as number, a.dtype)];
  if (b instanceof Tensor) return [scalar(a, b.dtype), b];
  throw new Error('at least one operand must be a tensor');
}

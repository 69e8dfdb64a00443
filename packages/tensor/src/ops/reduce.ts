import { type ReduceKind, reduceKernel } from '../cpu/reduce.js';
import { div, eq, mul } from '../functional/arithmetic.js';
import { sum } from '../functional/reduce.js';
import { expand, reshape } from '../functional/shape-ops.js';
import { reducedShape } from '../shape.js';
import { Tensor } from '../tensor.js';

export interface ReduceAttrs {
  axes: number[];
  keepDims: boolean;
}

export function reduceForward(kind: ReduceKind, x: Tensor, { axes, keepDims }: ReduceAttrs): Tensor {
  const { data, shape } = reduceKernel(kind, x, axes, keepDims, x.dtype);
  return new Tensor(data, shape);
}

/** Brings a reduced gradient back to the input shape (a stride-0 view, no copy). */
export function unreduce(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return expand(reshape(g, reducedShape(x.shape, axes, true)), x.shape);
}

/** max/min pass the gradient to the extreme elements, shared equally between ties. */
export function extremeBackward(g: Tensor, x: Tensor, out: Tensor, axes: readonly number[]): Tensor {
  const mask = eq(x, unreduce(out, x, axes));
  const count = sum(mask, axes, true);
  return mul(mask, unreduce(div(reshape(g, count.shape), count), x, axes));
}

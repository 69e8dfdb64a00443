import { argReduceKernel } from '../cpu/reduce.js';
import { reducedShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

export interface ArgReduceAttrs {
  kind: 'max' | 'min';
  axis: number;
  keepDims: boolean;
}

/** Indices (as numbers in the input's dtype) of the extreme element along one axis. */
export const argReduceOp = defineOp<ArgReduceAttrs, Record<string, never>>({
  saves: [],
  differentiable: false,
  forward(inputs, { kind, axis, keepDims }) {
    const x = input(inputs, 0);
    const data = argReduceKernel(kind, x.values(), x.shape, axis, x.dtype);
    return { out: new Tensor(data, reducedShape(x.shape, [axis], keepDims)), saved: {} };
  },
  backward() {
    return [null];
  },
});

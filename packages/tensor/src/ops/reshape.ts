import { reshape } from '../functional/shape-ops.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

/** A view when the input is contiguous, a copy otherwise. */
export const reshapeOp = defineOp<{ shape: number[] }, { inShape: readonly number[] }>({
  saves: ['inShape'],
  forward(inputs, { shape }) {
    const x = input(inputs, 0);
    if (sizeOf(shape) !== x.size) {
      throw new Error(`cannot reshape [${x.shape.join(', ')}] (${x.size} elements) to [${shape.join(', ')}]`);
    }
    const out = x.isContiguous()
      ? new Tensor(x.data, shape, undefined, x.offset)
      : new Tensor(x.values(), shape);
    return { out, saved: { inShape: x.shape } };
  },
  backward(g, { inShape }) {
    return [reshape(g, inShape)];
  },
});

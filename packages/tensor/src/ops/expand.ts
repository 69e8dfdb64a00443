import { reduceTo } from '../functional/broadcast.js';
import { broadcastShapes, broadcastStrides, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

/** Broadcasts to `shape` as a stride-0 view (no copy); the backward sums over the stretched axes. */
export const expandOp = defineOp<{ shape: number[] }, { inShape: readonly number[] }>({
  saves: ['inShape'],
  forward(inputs, { shape }) {
    const x = input(inputs, 0);
    if (!sameShape(broadcastShapes(x.shape, shape), shape)) {
      throw new Error(`cannot expand [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
    }
    const out = new Tensor(x.data, shape, broadcastStrides(x.shape, x.strides, shape), x.offset);
    return { out, saved: { inShape: x.shape } };
  },
  backward(g, { inShape }) {
    return [reduceTo(g, inShape)];
  },
});

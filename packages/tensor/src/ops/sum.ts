import type { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';
import { type ReduceAttrs, reduceForward, unreduce } from './reduce.js';

export const sumOp = defineOp<ReduceAttrs, { x: Tensor }>({
  saves: ['x'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    return { out: reduceForward('sum', x, attrs), saved: { x } };
  },
  backward(g, { x }, { axes }) {
    return [unreduce(g, x, axes)];
  },
});

import type { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';
import { extremeBackward, type ReduceAttrs, reduceForward } from './reduce.js';

export const minOp = defineOp<ReduceAttrs, { x: Tensor; out: Tensor }>({
  saves: ['x', 'out'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const out = reduceForward('min', x, attrs);
    return { out, saved: { x, out } };
  },
  backward(g, { x, out }, { axes }) {
    return [extremeBackward(g, x, out, axes)];
  },
});

import { mul, sign } from '../functional/arithmetic.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const absOp = defineOp<NoAttrs, { x: Tensor }>({
  saves: ['x'],
  forward(inputs) {
    const x = input(inputs, 0);
    return { out: unaryForward('abs', x), saved: { x } };
  },
  backward(g, { x }) {
    return [mul(g, sign(x))];
  },
});

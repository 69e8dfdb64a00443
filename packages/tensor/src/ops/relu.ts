import { gt, mul } from '../functional/arithmetic.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const reluOp = defineOp<NoAttrs, { x: Tensor }>({
  saves: ['x'],
  forward(inputs) {
    const x = input(inputs, 0);
    return { out: unaryForward('relu', x), saved: { x } };
  },
  backward(g, { x }) {
    return [mul(g, gt(x, 0))];
  },
});

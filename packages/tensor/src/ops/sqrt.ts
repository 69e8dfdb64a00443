import { div, mul } from '../functional/arithmetic.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const sqrtOp = defineOp<NoAttrs, { out: Tensor }>({
  saves: ['out'],
  forward(inputs) {
    const x = input(inputs, 0);
    const out = unaryForward('sqrt', x);
    return { out, saved: { out } };
  },
  backward(g, { out }) {
    return [div(g, mul(out, 2))];
  },
});

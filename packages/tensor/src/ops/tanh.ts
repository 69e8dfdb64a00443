// tanh' = 1 - tanh^2
import { mul, sub } from '../functional/arithmetic.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const tanhOp = defineOp<NoAttrs, { out: Tensor }>({
  saves: ['out'],
  forward(inputs) {
    const x = input(inputs, 0);
    const out = unaryForward('tanh', x);
    return { out, saved: { out } };
  },
  backward(g, { out }) {
    return [mul(g, sub(1, mul(out, out)))];
  },
});

// sigma' = sigma (1 - sigma)
import { mul, sub } from '../functional/arithmetic.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const sigmoidOp = defineOp<NoAttrs, { out: Tensor }>({
  saves: ['out'],
  forward(inputs) {
    const x = input(inputs, 0);
    const out = unaryForward('sigmoid', x);
    return { out, saved: { out } };
  },
  backward(g, { out }) {
    return [mul(g, mul(out, sub(1, out)))];
  },
});

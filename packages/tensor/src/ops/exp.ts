import { mul } from '../functional/arithmetic.js';
import type { Tensor } from '../tensor.js';
import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const expOp = defineOp<NoAttrs, { out: Tensor }>({
  saves: ['out'],
  forward(inputs) {
    const x = input(inputs, 0);
    const out = unaryForward('exp', x);
    return { out, saved: { out } };
  },
  backward(g, { out }) {
    return [mul(g, out)];
  },
});

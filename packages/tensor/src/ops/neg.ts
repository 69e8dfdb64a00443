import { neg } from '../functional/arithmetic.js';
import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const negOp = defineOp<NoAttrs, Record<string, never>>({
  saves: [],
  forward(inputs) {
    const x = input(inputs, 0);
    const out = unaryForward('neg', x);
    return { out, saved: {} };
  },
  backward(g) {
    return [neg(g)];
  },
});

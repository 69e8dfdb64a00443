import type { Tensor } from '../tensor.js';
import { binaryForward } from './elementwise.js';
import { extremumBackward } from './extremum.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const minimumOp = defineOp<NoAttrs, { a: Tensor; b: Tensor }>({
  saves: ['a', 'b'],
  forward(inputs) {
    const a = input(inputs, 0);
    const b = input(inputs, 1);
    return { out: binaryForward('minimum', a, b), saved: { a, b } };
  },
  backward(g, { a, b }) {
    return extremumBackward(g, a, b, 'minimum');
  },
});

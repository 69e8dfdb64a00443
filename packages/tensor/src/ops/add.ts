import { reduceTo } from '../functional/broadcast.js';
import type { Tensor } from '../tensor.js';
import { binaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const addOp = defineOp<NoAttrs, { a: Tensor; b: Tensor }>({
  saves: ['a', 'b'],
  forward(inputs) {
    const a = input(inputs, 0);
    const b = input(inputs, 1);
    return { out: binaryForward('add', a, b), saved: { a, b } };
  },
  backward(g, { a, b }) {
    return [a.requiresGrad ? reduceTo(g, a.shape) : null, b.requiresGrad ? reduceTo(g, b.shape) : null];
  },
});

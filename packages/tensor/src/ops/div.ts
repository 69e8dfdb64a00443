import { div, mul, neg } from '../functional/arithmetic.js';
import { reduceTo } from '../functional/broadcast.js';
import type { Tensor } from '../tensor.js';
import { binaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const divOp = defineOp<NoAttrs, { a: Tensor; b: Tensor; out: Tensor }>({
  saves: ['a', 'b', 'out'],
  forward(inputs) {
    const a = input(inputs, 0);
    const b = input(inputs, 1);
    const out = binaryForward('div', a, b);
    return { out, saved: { a, b, out } };
  },
  backward(g, { a, b, out }) {
    // d(a/b)/db = -a/b^2 = -out/b
    return [
      a.requiresGrad ? reduceTo(div(g, b), a.shape) : null,
      b.requiresGrad ? reduceTo(neg(mul(g, div(out, b))), b.shape) : null,
    ];
  },
});

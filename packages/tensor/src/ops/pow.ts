import { gt, log, mul, pow, sub, where } from '../functional/arithmetic.js';
import { reduceTo } from '../functional/broadcast.js';
import type { Tensor } from '../tensor.js';
import { binaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

export const powOp = defineOp<NoAttrs, { a: Tensor; b: Tensor; out: Tensor }>({
  saves: ['a', 'b', 'out'],
  forward(inputs) {
    const a = input(inputs, 0);
    const b = input(inputs, 1);
    const out = binaryForward('pow', a, b);
    return { out, saved: { a, b, out } };
  },
  backward(g, { a, b, out }) {
    // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b ln a, taken as 0 where a <= 0 (ln undefined).
    const da = a.requiresGrad ? reduceTo(mul(g, mul(b, pow(a, sub(b, 1)))), a.shape) : null;
    const db = b.requiresGrad ? reduceTo(mul(g, where(gt(a, 0), mul(out, log(a)), 0)), b.shape) : null;
    return [da, db];
  },
});

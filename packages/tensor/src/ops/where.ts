import { stridedCopy } from '../cpu/copy.js';
import { eq, mul, ne } from '../functional/arithmetic.js';
import { reduceTo } from '../functional/broadcast.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../shape.js';
import { allocate, type DType, type Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { resultDType } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

function broadcastValues(t: Tensor, shape: readonly number[], dtype: DType): Storage {
  const out = allocate(dtype, sizeOf(shape));
  stridedCopy(t.data, t.offset, broadcastStrides(t.shape, t.strides, shape), shape, out);
  return out;
}

/** Picks `a` where `cond` is non-zero and `b` elsewhere (no blending, so a NaN on the other side stays out). */
export const whereOp = defineOp<NoAttrs, { cond: Tensor; a: Tensor; b: Tensor }>({
  saves: ['cond', 'a', 'b'],
  forward(inputs) {
    const cond = input(inputs, 0);
    const a = input(inputs, 1);
    const b = input(inputs, 2);
    const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
    const dtype = resultDType(a, b);
    const cv = broadcastValues(cond, shape, dtype);
    const av = broadcastValues(a, shape, dtype);
    const bv = broadcastValues(b, shape, dtype);
    for (let i = 0; i < av.length; i++) if (cv[i] === 0) av[i] = bv[i]!;
    return { out: new Tensor(av, shape), saved: { cond, a, b } };
  },
  backward(g, { cond, a, b }) {
    return [
      null,
      a.requiresGrad ? reduceTo(mul(g, ne(cond, 0)), a.shape) : null,
      b.requiresGrad ? reduceTo(mul(g, eq(cond, 0)), b.shape) : null,
    ];
  },
});

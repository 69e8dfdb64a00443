import { clampKernel } from '../cpu/unary.js';
import { ge, le, mul } from '../functional/arithmetic.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

export interface ClampAttrs {
  min: number;
  max: number;
}

export const clampOp = defineOp<ClampAttrs, { x: Tensor }>({
  saves: ['x'],
  forward(inputs, { min, max }) {
    const x = input(inputs, 0);
    return { out: new Tensor(clampKernel(x.values(), min, max, x.dtype), x.shape), saved: { x } };
  },
  backward(g, { x }, { min, max }) {
    return [mul(g, mul(ge(x, min), le(x, max)))];
  },
});

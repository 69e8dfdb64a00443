import { unaryForward } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

/** Piecewise constant: its gradient is zero wherever it exists. */
export const signOp = defineOp<NoAttrs, Record<string, never>>({
  saves: [],
  differentiable: false,
  forward(inputs) {
    return { out: unaryForward('sign', input(inputs, 0)), saved: {} };
  },
  backward() {
    return [null];
  },
});

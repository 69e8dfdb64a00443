import { reluBackward, reluForward } from '../kernels/relu.js';
import { allocateUnzeroed } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input, type NoAttrs } from './op.js';

/** max(0, x); the gradient passes where x > 0 (torch's threshold_backward: 0 at the kink). */
export const reluOp = defineOp<NoAttrs, { x: Tensor }>({
  saves: ['x'],
  forward(inputs) {
    const x = input(inputs, 0);
    const out = allocateUnzeroed(x.dtype, x.size);
    reluForward(x.values(), out);
    return { out: new Tensor(out, x.shape), saved: { x } };
  },
  backward(g, { x }) {
    const dx = allocateUnzeroed(g.dtype, g.size);
    reluBackward(g.values(), x.values(), dx);
    return [new Tensor(dx, x.shape)];
  },
});

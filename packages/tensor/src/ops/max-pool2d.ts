import { maxPool2dBackward, maxPool2dForward } from '../kernels/max-pool2d.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';
import { type Pool2dAttrs, poolGeometry } from './pool2d.js';

/** The backward routes each output gradient to the input element that won its window. */
export const maxPool2dOp = defineOp<Pool2dAttrs, { inShape: readonly number[]; argmax: Int32Array }>({
  saves: ['inShape', 'argmax'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const geo = poolGeometry('maxPool2d', x, attrs);
    const size = geo.n * geo.c * geo.oh * geo.ow;
    const out = allocate(x.dtype, size);
    const argmax = new Int32Array(size);
    maxPool2dForward(x.values(), geo, out, argmax);
    return { out: new Tensor(out, [geo.n, geo.c, geo.oh, geo.ow]), saved: { inShape: x.shape, argmax } };
  },
  backward(g, { inShape, argmax }) {
    const dx = allocate(
      g.dtype,
      inShape.reduce((a, b) => a * b, 1),
    );
    maxPool2dBackward(g.values(), argmax, dx);
    return [new Tensor(dx, inShape)];
  },
});

import { maxPool2dBackward, maxPool2dForward } from '../kernels/max-pool2d.js';
import type { Pool2dGeometry } from '../kernels/pool-geometry.js';
import { maxPool2x2Backward, maxPool2x2Fits, maxPool2x2Forward } from '../kernels/simd-pool2d.js';
import { allocate, allocateUnzeroed } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';
import { type Pool2dAttrs, poolGeometry } from './pool2d.js';

/**
 * The backward routes each output gradient to the input element that won its window: found again
 * from x by the SIMD 2x2 kernels, read from the argmax the general kernel records otherwise.
 */
export const maxPool2dOp = defineOp<
  Pool2dAttrs,
  { x: Tensor; geo: Pool2dGeometry; argmax: Int32Array | null }
>({
  saves: ['x', 'geo', 'argmax'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const geo = poolGeometry('maxPool2d', x, attrs);
    const size = geo.n * geo.c * geo.oh * geo.ow;
    const out = allocateUnzeroed(x.dtype, size);
    const values = x.values();
    let argmax: Int32Array | null = null;
    if (maxPool2x2Fits(geo, values)) maxPool2x2Forward(values as Float32Array, geo, out as Float32Array);
    else {
      argmax = new Int32Array(size);
      maxPool2dForward(values, geo, out, argmax);
    }
    return { out: new Tensor(out, [geo.n, geo.c, geo.oh, geo.ow]), saved: { x, geo, argmax } };
  },
  backward(g, { x, geo, argmax }) {
    const gv = g.values();
    // The argmax kernel adds into zeros; the SIMD one writes every element.
    const dx = argmax ? allocate(g.dtype, x.size) : allocateUnzeroed(g.dtype, x.size);
    if (argmax) maxPool2dBackward(gv, argmax, dx);
    else maxPool2x2Backward(gv as Float32Array, x.values() as Float32Array, geo, dx as Float32Array);
    return [new Tensor(dx, x.shape)];
  },
});

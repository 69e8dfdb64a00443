import { avgPool2dBackward, avgPool2dForward } from '../kernels/avg-pool2d.js';
import type { Pool2dGeometry } from '../kernels/pool-geometry.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';
import { type Pool2dAttrs, poolGeometry } from './pool2d.js';

/** Mean over each window, padding counted (torch's count_include_pad = true). */
export const avgPool2dOp = defineOp<Pool2dAttrs, { inShape: readonly number[]; geo: Pool2dGeometry }>({
  saves: ['inShape', 'geo'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const geo = poolGeometry('avgPool2d', x, attrs);
    const out = allocate(x.dtype, geo.n * geo.c * geo.oh * geo.ow);
    avgPool2dForward(x.values(), geo, out);
    return { out: new Tensor(out, [geo.n, geo.c, geo.oh, geo.ow]), saved: { inShape: x.shape, geo } };
  },
  backward(g, { inShape, geo }) {
    const dx = allocate(
      g.dtype,
      inShape.reduce((a, b) => a * b, 1),
    );
    avgPool2dBackward(g.values(), geo, dx);
    return [new Tensor(dx, inShape)];
  },
});

import { roiPoolBackward, roiPoolForward } from '../kernels/roi-pool.js';
import { sizeOf } from '../shape.js';
import { allocate, allocateUnzeroed } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp } from './op.js';
import { type RoiPoolAttrs, roiOperands } from './roi-inputs.js';

/** Fast R-CNN's RoI max pooling; the backward routes each gradient to its bin's argmax, none to the RoIs. */
export const roiPoolOp = defineOp<RoiPoolAttrs, { inShape: readonly number[]; argmax: Int32Array }>({
  saves: ['inShape', 'argmax'],
  forward(inputs, attrs) {
    const { x, rois, geo } = roiOperands('roiPool', inputs, attrs);
    const size = geo.k * geo.c * geo.oh * geo.ow;
    const out = allocateUnzeroed(x.dtype, size);
    const argmax = new Int32Array(size);
    roiPoolForward(x.values(), rois, geo, out, argmax);
    return { out: new Tensor(out, [geo.k, geo.c, geo.oh, geo.ow]), saved: { inShape: x.shape, argmax } };
  },
  backward(g, { inShape, argmax }) {
    const dx = allocate(g.dtype, sizeOf(inShape));
    roiPoolBackward(g.values(), argmax, dx);
    return [new Tensor(dx, inShape), null];
  },
});

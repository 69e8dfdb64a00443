import { roiAlignPooled } from '../kernels/roi-align-pooled.js';
import type { RoiGeometry } from '../kernels/roi-geometry.js';
import { allocate, allocateUnzeroed } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp } from './op.js';
import { type RoiAlignAttrs, roiOperands } from './roi-inputs.js';

/**
 * Mask R-CNN's RoIAlign (float32 in WebAssembly SIMD, else split by channels over the pool when large);
 * the backward scatters the bilinear weights into the input, none to the RoIs.
 */
export const roiAlignOp = defineOp<
  RoiAlignAttrs,
  { inShape: readonly number[]; rois: Float64Array; geo: RoiGeometry }
>({
  saves: ['inShape', 'rois', 'geo'],
  forward(inputs, attrs) {
    const { x, rois, geo } = roiOperands('roiAlign', inputs, attrs);
    const out = allocateUnzeroed(x.dtype, geo.k * geo.c * geo.oh * geo.ow);
    roiAlignPooled(false, x.values(), rois, geo, attrs, out);
    return { out: new Tensor(out, [geo.k, geo.c, geo.oh, geo.ow]), saved: { inShape: x.shape, rois, geo } };
  },
  backward(g, { inShape, rois, geo }, attrs) {
    const dx = allocate(g.dtype, geo.n * geo.c * geo.h * geo.w);
    roiAlignPooled(true, g.values(), rois, geo, attrs, dx);
    return [new Tensor(dx, inShape), null];
  },
});

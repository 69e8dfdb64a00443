import { type ConvTranspose2dGeometry, convTranspose2dGeometry } from '../kernels/conv-transpose-geometry.js';
import { convTranspose2dBackward, convTranspose2dForward } from '../kernels/conv-transpose2d.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { convDType, convOperands, valuesAs } from './conv-inputs.js';
import { defineOp } from './op.js';

export interface ConvTranspose2dAttrs {
  stride: [number, number];
  padding: [number, number];
  outputPadding: [number, number];
  dilation: [number, number];
}

/** x [n, cin, h, w], weight [cin, cout, kh, kw] (torch layout), optional bias [cout]. */
export const convTranspose2dOp = defineOp<
  ConvTranspose2dAttrs,
  { x: Tensor; w: Tensor; b: Tensor | null; geo: ConvTranspose2dGeometry }
>({
  saves: ['x', 'w', 'b', 'geo'],
  forward(inputs, attrs) {
    const { x, w, b } = convOperands('convTranspose2d', inputs, 0);
    const [n, cin, h, width] = x.shape as [number, number, number, number];
    const [, cout, kh, kw] = w.shape as [number, number, number, number];
    const geo = convTranspose2dGeometry({
      n,
      inChannels: cin,
      h,
      w: width,
      outChannels: cout,
      kh,
      kw,
      ...attrs,
    });
    const dtype = convDType(inputs);
    const out = allocate(dtype, n * cout * geo.oh * geo.ow);
    convTranspose2dForward(valuesAs(x, dtype), valuesAs(w, dtype), b ? valuesAs(b, dtype) : null, geo, out);
    return { out: new Tensor(out, [n, cout, geo.oh, geo.ow]), saved: { x, w, b, geo } };
  },
  backward(g, { x, w, b, geo }) {
    const dtype = g.dtype;
    const dx = x.requiresGrad ? allocate(dtype, x.size) : null;
    const dw = w.requiresGrad ? allocate(dtype, w.size) : null;
    const db = b?.requiresGrad ? allocate(dtype, b.size) : null;
    convTranspose2dBackward(g.values(), valuesAs(x, dtype), valuesAs(w, dtype), geo, { dx, dw, db });
    return [
      dx ? new Tensor(dx, x.shape) : null,
      dw ? new Tensor(dw, w.shape) : null,
      db && b ? new Tensor(db, b.shape) : null,
    ];
  },
});

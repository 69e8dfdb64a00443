import { type Conv2dGeometry, conv2dGeometry } from '../kernels/conv-geometry.js';
import { conv2dBackward, conv2dForward } from '../kernels/conv2d.js';
import { allocate, allocateUnzeroed, type Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { convDType, convOperands, valuesAs } from './conv-inputs.js';
import { defineOp } from './op.js';

export interface Conv2dAttrs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  /** A fused ReLU on the output: relu(conv2d(x, w) + b) in one pass. */
  relu?: boolean;
  /** A fused 2x2 stride-2 max-pool after the ReLU; forward only (conv2d() composes maxPool2d for gradients). */
  pool?: boolean;
}

/**
 * x [n, c, h, w], weight [f, c, kh, kw], optional bias [f] -> [n, f, oh, ow], optionally through a
 * ReLU whose backward masks the gradient by the saved output first.
 */
export const conv2dOp = defineOp<
  Conv2dAttrs,
  { x: Tensor; w: Tensor; b: Tensor | null; geo: Conv2dGeometry; out: Storage }
>({
  saves: ['x', 'w', 'b', 'geo', 'out'],
  forward(inputs, attrs) {
    const { x, w, b } = convOperands('conv2d', inputs, 1);
    const [n, c, h, width] = x.shape as [number, number, number, number];
    const [f, , kh, kw] = w.shape as [number, number, number, number];
    const { stride, padding, dilation } = attrs;
    const geo = conv2dGeometry({ n, c, h, w: width, outChannels: f, kh, kw, stride, padding, dilation });
    const dtype = convDType(inputs);
    const pool = attrs.pool ?? false;
    const [oh, ow] = pool ? [geo.oh >> 1, geo.ow >> 1] : [geo.oh, geo.ow];
    const out = allocateUnzeroed(dtype, n * f * oh * ow);
    const bias = b ? valuesAs(b, dtype) : null;
    const relu = attrs.relu ?? false;
    conv2dForward(valuesAs(x, dtype), valuesAs(w, dtype), bias, geo, out, undefined, { relu, pool });
    return { out: new Tensor(out, [n, f, oh, ow]), saved: { x, w, b, geo, out } };
  },
  backward(g, { x, w, b, geo, out }, attrs) {
    if (attrs.pool)
      throw new Error('conv2d: a fused max-pool has no backward pass; use conv2d then maxPool2d');
    const dtype = g.dtype;
    const dx = x.requiresGrad ? allocate(dtype, x.size) : null;
    const dw = w.requiresGrad ? allocate(dtype, w.size) : null;
    const db = b?.requiresGrad ? allocate(dtype, b.size) : null;
    const reluOutput = attrs.relu ? out : null;
    conv2dBackward(g.values(), valuesAs(x, dtype), valuesAs(w, dtype), geo, { dx, dw, db }, undefined, {
      reluOutput,
    });
    return [
      dx ? new Tensor(dx, x.shape) : null,
      dw ? new Tensor(dw, w.shape) : null,
      db && b ? new Tensor(db, b.shape) : null,
    ];
  },
});

import { stridedWrite } from '../cpu/copy.js';
import { sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

/** Per axis: start (inclusive), stop (exclusive), positive step — already clipped to the shape. */
export interface SliceAttrs {
  starts: number[];
  stops: number[];
  steps: number[];
}

function sliceGeometry(shape: readonly number[], strides: readonly number[], a: SliceAttrs) {
  let offset = 0;
  const outShape = shape.map((_, d) => Math.max(0, Math.ceil((a.stops[d]! - a.starts[d]!) / a.steps[d]!)));
  const outStrides = strides.map((s, d) => s * a.steps[d]!);
  shape.forEach((_, d) => {
    offset += a.starts[d]! * strides[d]!;
  });
  return { offset, outShape, outStrides };
}

/** A strided view; the backward writes the gradient into zeros at the sliced positions. */
export const sliceOp = defineOp<SliceAttrs, { inShape: readonly number[] }>({
  saves: ['inShape'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const { offset, outShape, outStrides } = sliceGeometry(x.shape, x.strides, attrs);
    return { out: new Tensor(x.data, outShape, outStrides, x.offset + offset), saved: { inShape: x.shape } };
  },
  backward(g, { inShape }, attrs) {
    const dx = allocate(g.dtype, sizeOf(inShape));
    const dxT = new Tensor(dx, inShape);
    const { offset, outShape, outStrides } = sliceGeometry(inShape, dxT.strides, attrs);
    stridedWrite(dx, offset, outStrides, outShape, g.values());
    return [dxT];
  },
});

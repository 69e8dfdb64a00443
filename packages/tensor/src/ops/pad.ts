import { stridedWrite } from '../cpu/copy.js';
import { slice } from '../functional/shape-ops.js';
import { sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

export interface PadAttrs {
  /** `[before, after]` for every axis. */
  pads: [number, number][];
  value: number;
}

/** Constant padding; the backward is the slice of the interior. */
export const padOp = defineOp<PadAttrs, { inShape: readonly number[] }>({
  saves: ['inShape'],
  forward(inputs, { pads, value }) {
    const x = input(inputs, 0);
    const shape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const out = new Tensor(allocate(x.dtype, sizeOf(shape)), shape);
    out.data.fill(value);
    let offset = 0;
    pads.forEach(([before], i) => {
      offset += before * out.strides[i]!;
    });
    stridedWrite(out.data, offset, out.strides, x.shape, x.values());
    return { out, saved: { inShape: x.shape } };
  },
  backward(g, { inShape }, { pads }) {
    return [
      slice(
        g,
        inShape.map((d, i) => [pads[i]![0], pads[i]![0] + d]),
      ),
    ];
  },
});

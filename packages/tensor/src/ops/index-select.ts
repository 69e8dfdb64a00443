import { sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

export interface IndexSelectAttrs {
  axis: number;
  indices: Int32Array;
}

/** Picks whole slices along `axis` (rows of an embedding table, samples of a batch); may repeat. */
export const indexSelectOp = defineOp<IndexSelectAttrs, { inShape: readonly number[] }>({
  saves: ['inShape'],
  forward(inputs, { axis, indices }) {
    const x = input(inputs, 0);
    const n = x.shape[axis]!;
    for (const i of indices) {
      if (i < 0 || i >= n) throw new Error(`index ${i} is out of range for axis ${axis} of size ${n}`);
    }
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const src = x.values();
    const shape = [...x.shape];
    shape[axis] = indices.length;
    const out = allocate(x.dtype, sizeOf(shape));
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < indices.length; j++) {
        const from = (o * n + indices[j]!) * inner;
        out.set(src.subarray(from, from + inner), (o * indices.length + j) * inner);
      }
    }
    return { out: new Tensor(out, shape), saved: { inShape: x.shape } };
  },
  backward(g, { inShape }, { axis, indices }) {
    const n = inShape[axis]!;
    const outer = sizeOf(inShape.slice(0, axis));
    const inner = sizeOf(inShape.slice(axis + 1));
    const gv = g.values();
    const dx = allocate(g.dtype, sizeOf(inShape));
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < indices.length; j++) {
        const to = (o * n + indices[j]!) * inner;
        const from = (o * indices.length + j) * inner;
        for (let k = 0; k < inner; k++) dx[to + k]! += gv[from + k]!;
      }
    }
    return [new Tensor(dx, inShape)];
  },
});

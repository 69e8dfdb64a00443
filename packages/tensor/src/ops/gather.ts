import { contiguousStrides, sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

export interface GatherAttrs {
  axis: number;
  /** Row-major indices of shape `indexShape` (same rank as the input): torch.gather semantics. */
  index: Int32Array;
  indexShape: number[];
}

/** Offsets into the input of every gathered element: `out[..i..] = x[..index[..i..] on axis..]`. */
function gatherOffsets(inShape: readonly number[], { axis, index, indexShape }: GatherAttrs): Int32Array {
  if (indexShape.length !== inShape.length) throw new Error('gather: index must have the rank of the input');
  indexShape.forEach((d, i) => {
    if (i !== axis && d > inShape[i]!)
      throw new Error(`gather: index dimension ${i} (${d}) exceeds the input's`);
  });
  const strides = contiguousStrides(inShape);
  const n = inShape[axis]!;
  const offsets = new Int32Array(index.length);
  const idx = new Array<number>(indexShape.length).fill(0);
  for (let e = 0; e < index.length; e++) {
    const target = index[e]!;
    if (target < 0 || target >= n) throw new Error(`gather: index ${target} is out of range for size ${n}`);
    let off = 0;
    for (let d = 0; d < idx.length; d++) off += (d === axis ? target : idx[d]!) * strides[d]!;
    offsets[e] = off;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < indexShape[d]!) break;
      idx[d] = 0;
    }
  }
  return offsets;
}

export const gatherOp = defineOp<GatherAttrs, { inShape: readonly number[]; offsets: Int32Array }>({
  saves: ['inShape', 'offsets'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const offsets = gatherOffsets(x.shape, attrs);
    const src = x.values();
    const out = allocate(x.dtype, offsets.length);
    for (let e = 0; e < offsets.length; e++) out[e] = src[offsets[e]!]!;
    return { out: new Tensor(out, attrs.indexShape), saved: { inShape: x.shape, offsets } };
  },
  backward(g, { inShape, offsets }) {
    const gv = g.values();
    const dx = allocate(g.dtype, sizeOf(inShape));
    for (let e = 0; e < offsets.length; e++) dx[offsets[e]!]! += gv[e]!;
    return [new Tensor(dx, inShape)];
  },
});

import { reduceTo } from '../functional/broadcast.js';
import { matmul } from '../functional/matmul.js';
import { transpose } from '../functional/shape-ops.js';
import { gemm, type MatrixRef } from '../gemm/index.js';
import { broadcastShapes, contiguousStrides, sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { resultDType } from './elementwise.js';
import { defineOp, input, type NoAttrs } from './op.js';

interface Operand {
  t: Tensor;
  trans: boolean;
  ld: number;
}

/** Reads the last two axes as a row-major matrix or a transposed one, copying only when neither fits. */
function operand(t: Tensor, dtype: 'float32' | 'float64'): Operand {
  const nd = t.ndim;
  const rows = t.shape[nd - 2]!;
  const cols = t.shape[nd - 1]!;
  const rs = t.strides[nd - 2]!;
  const cs = t.strides[nd - 1]!;
  if (t.dtype === dtype) {
    if (cs === 1 || cols === 1) {
      const ld = rows === 1 ? Math.max(cols, 1) : rs;
      if (ld >= cols) return { t, trans: false, ld };
    }
    if (rs === 1 || rows === 1) {
      const ld = cols === 1 ? Math.max(rows, 1) : cs;
      if (ld >= rows) return { t, trans: true, ld };
    }
  }
  const data = allocate(dtype, t.size);
  data.set(t.values());
  return { t: new Tensor(data, t.shape), trans: false, ld: Math.max(cols, 1) };
}

/** Batched matrix product over the last two axes, batch axes broadcast; each product is one GEMM call. */
export const matmulOp = defineOp<NoAttrs, { a: Tensor; b: Tensor }>({
  saves: ['a', 'b'],
  forward(inputs) {
    const a = input(inputs, 0);
    const b = input(inputs, 1);
    if (a.ndim < 2 || b.ndim < 2) throw new Error('matmul needs tensors of rank >= 2');
    const m = a.shape[a.ndim - 2]!;
    const k = a.shape[a.ndim - 1]!;
    const n = b.shape[b.ndim - 1]!;
    if (b.shape[b.ndim - 2] !== k) {
      throw new Error(`matmul: [${a.shape.join(', ')}] @ [${b.shape.join(', ')}] — inner dimensions differ`);
    }
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const dtype = resultDType(a, b);
    const out = allocate(dtype, sizeOf(batch) * m * n);
    const A = operand(a, dtype);
    const B = operand(b, dtype);
    const aBatch = batchOffsets(A.t, batch);
    const bBatch = batchOffsets(B.t, batch);
    for (let i = 0; i < aBatch.length; i++) {
      const aRef: MatrixRef = { data: A.t.data, offset: aBatch[i]!, ld: A.ld };
      const bRef: MatrixRef = { data: B.t.data, offset: bBatch[i]!, ld: B.ld };
      gemm(A.trans, B.trans, m, n, k, 1, aRef, bRef, 0, { data: out, offset: i * m * n, ld: n });
    }
    return { out: new Tensor(out, [...batch, m, n]), saved: { a, b } };
  },
  backward(g, { a, b }) {
    return [
      a.requiresGrad ? reduceTo(matmul(g, transpose(b, -1, -2)), a.shape) : null,
      b.requiresGrad ? reduceTo(matmul(transpose(a, -1, -2), g), b.shape) : null,
    ];
  },
});

/** Storage offset of each broadcast batch matrix of `t`. */
function batchOffsets(t: Tensor, batch: readonly number[]): number[] {
  const lead = t.shape.slice(0, -2);
  const strides = t.strides.slice(0, -2);
  const count = sizeOf(batch);
  const outStrides = contiguousStrides(batch);
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let off = t.offset;
    let rem = i;
    for (let d = 0; d < batch.length; d++) {
      const idx = Math.floor(rem / outStrides[d]!);
      rem -= idx * outStrides[d]!;
      const ld = d - (batch.length - lead.length);
      if (ld >= 0 && lead[ld] !== 1) off += idx * strides[ld]!;
    }
    offsets[i] = off;
  }
  return offsets;
}

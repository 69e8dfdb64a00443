import { gemm } from '../gemm/index.js';
import { reluBackward } from '../kernels/relu.js';
import { allocate, allocateUnzeroed, recycle, type Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { convDType, valuesAs } from './conv-inputs.js';
import { defineOp, input } from './op.js';

export interface LinearAttrs {
  /** A fused ReLU on the output, its gradient masked by the saved output. */
  relu?: boolean;
}

const rowsOf = (x: Tensor) => x.size / x.shape[x.ndim - 1]!;

/**
 * The affine map y = x W^T + b over the last axis (x [..., in], W [out, in], b [out]): one GEMM, then
 * the bias and an optional ReLU in one pass (torch's addmm); backward by two more GEMMs.
 */
export const linearOp = defineOp<LinearAttrs, { x: Tensor; w: Tensor; b: Tensor | null; out: Storage }>({
  saves: ['x', 'w', 'b', 'out'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const w = input(inputs, 1);
    const b = inputs[2] ?? null;
    if (x.ndim < 1 || w.ndim !== 2 || x.shape[x.ndim - 1] !== w.shape[1]) {
      throw new Error(`linear: input [${x.shape.join(', ')}] does not match weight [${w.shape.join(', ')}]`);
    }
    const [outFeatures, inFeatures] = w.shape as [number, number];
    if (b && (b.ndim !== 1 || b.shape[0] !== outFeatures)) {
      throw new Error(`linear: bias must have shape [${outFeatures}]`);
    }
    const dtype = convDType(inputs);
    const m = rowsOf(x);
    const out = allocateUnzeroed(dtype, m * outFeatures);
    const xv = valuesAs(x, dtype);
    const wv = valuesAs(w, dtype);
    gemm(
      false,
      true,
      m,
      outFeatures,
      inFeatures,
      1,
      ref(xv, inFeatures),
      ref(wv, inFeatures),
      0,
      ref(out, outFeatures),
    );
    // Bias and ReLU in one pass over the product (beta = 0: the GEMM never reads C).
    const bv = b ? b.values() : null;
    const relu = attrs.relu ?? false;
    for (let i = 0; i < m; i++) {
      const row = i * outFeatures;
      for (let j = 0; j < outFeatures; j++) {
        const y = bv ? out[row + j]! + bv[j]! : out[row + j]!;
        out[row + j] = relu && !(y > 0) ? 0 : y;
      }
    }
    return { out: new Tensor(out, [...x.shape.slice(0, -1), outFeatures]), saved: { x, w, b, out } };
  },
  backward(g, { x, w, b, out }, attrs) {
    const dtype = g.dtype;
    const [outFeatures, inFeatures] = w.shape as [number, number];
    const m = rowsOf(x);
    let gv = g.values();
    if (attrs.relu) {
      const masked = allocateUnzeroed(dtype, gv.length);
      reluBackward(gv, out, masked);
      gv = masked;
    }
    const G = ref(gv, outFeatures);
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      const data = allocateUnzeroed(dtype, x.size);
      gemm(
        false,
        false,
        m,
        inFeatures,
        outFeatures,
        1,
        G,
        ref(valuesAs(w, dtype), inFeatures),
        0,
        ref(data, inFeatures),
      );
      dx = new Tensor(data, x.shape);
    }
    let dw: Tensor | null = null;
    if (w.requiresGrad) {
      const data = allocateUnzeroed(dtype, w.size);
      gemm(
        true,
        false,
        outFeatures,
        inFeatures,
        m,
        1,
        G,
        ref(valuesAs(x, dtype), inFeatures),
        0,
        ref(data, inFeatures),
      );
      dw = new Tensor(data, w.shape);
    }
    let db: Tensor | null = null;
    if (b?.requiresGrad) {
      const data = allocate(dtype, outFeatures);
      for (let i = 0; i < m; i++) {
        const row = i * outFeatures;
        for (let j = 0; j < outFeatures; j++) data[j]! += gv[row + j]!;
      }
      db = new Tensor(data, b.shape);
    }
    if (attrs.relu) recycle(gv);
    return [dx, dw, db];
  },
});

function ref(data: Storage, ld: number) {
  return { data, offset: 0, ld };
}

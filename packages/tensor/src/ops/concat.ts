import { slice } from '../functional/shape-ops.js';
import { sizeOf } from '../shape.js';
import { allocateUnzeroed } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp } from './op.js';

/** Joins tensors along an existing axis (one copy per run); the backward hands each input its slice of the gradient. */
export const concatOp = defineOp<{ axis: number }, { sizes: number[] }>({
  saves: ['sizes'],
  forward(inputs, { axis }) {
    const first = inputs[0];
    if (!first) throw new Error('concat needs at least one tensor');
    for (const t of inputs) {
      if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new Error(
          `concat along axis ${axis}: shapes [${first.shape.join(', ')}] and [${t.shape.join(', ')}] differ off the axis`,
        );
      }
    }
    const sizes = inputs.map((t) => t.shape[axis]!);
    const shape = [...first.shape];
    shape[axis] = sizes.reduce((a, b) => a + b, 0);
    const dtype = inputs.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
    const out = new Tensor(allocateUnzeroed(dtype, sizeOf(shape)), shape);
    // Row-major, each input is `outer` runs of `size * inner` elements, which land `shape[axis] * inner` apart.
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const outRun = shape[axis]! * inner;
    let at = 0;
    for (const t of inputs) {
      const values = t.values();
      const run = t.shape[axis]! * inner;
      for (let o = 0; o < outer; o++) {
        out.data.set(values.subarray(o * run, (o + 1) * run), o * outRun + at * inner);
      }
      at += t.shape[axis]!;
    }
    return { out, saved: { sizes } };
  },
  backward(g, { sizes }, { axis }) {
    let at = 0;
    return sizes.map((n) => {
      const ranges = g.shape.map((d, i): [number, number] => (i === axis ? [at, at + n] : [0, d]));
      at += n;
      return slice(g, ranges);
    });
  },
});

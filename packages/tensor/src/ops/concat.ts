import { stridedWrite } from '../cpu/copy.js';
import { slice } from '../functional/shape-ops.js';
import { sizeOf } from '../shape.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp } from './op.js';

/** Joins tensors along an existing axis; the backward hands each input its slice of the gradient. */
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
    const out = new Tensor(allocate(dtype, sizeOf(shape)), shape);
    let at = 0;
    for (const t of inputs) {
      stridedWrite(out.data, at * out.strides[axis]!, out.strides, t.shape, t.values());
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

import { permute } from '../functional/shape-ops.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

/** A strided view with its axes reordered: `out.shape[i] = x.shape[perm[i]]`. */
export const permuteOp = defineOp<{ perm: number[] }, Record<string, never>>({
  saves: [],
  forward(inputs, { perm }) {
    const x = input(inputs, 0);
    const out = new Tensor(
      x.data,
      perm.map((p) => x.shape[p]!),
      perm.map((p) => x.strides[p]!),
      x.offset,
    );
    return { out, saved: {} };
  },
  backward(g, _saved, { perm }) {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inverse[p] = i;
    });
    return [permute(g, inverse)];
  },
});

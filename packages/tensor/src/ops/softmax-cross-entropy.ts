import { allocate, type Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

export interface SoftmaxCrossEntropyAttrs {
  /** One class index per row, each in [0, C). */
  labels: Int32Array;
}

/**
 * Per-row softmax cross-entropy of scores [N, C]: L_i = logsumexp(s_i) - s_{i, y_i}, the max shifted out
 * so exp never overflows. Backward (CS231n): dL_i / ds_i = softmax(s_i) - onehot(y_i), times g_i.
 */
export const softmaxCrossEntropyOp = defineOp<SoftmaxCrossEntropyAttrs, { probs: Storage; shape: number[] }>({
  saves: ['probs', 'shape'],
  forward(inputs, { labels }) {
    const scores = input(inputs, 0);
    if (scores.ndim !== 2) {
      throw new Error(`softmaxCrossEntropy needs scores [N, C], got [${scores.shape.join(', ')}]`);
    }
    const [n, c] = scores.shape as [number, number];
    if (labels.length !== n) throw new Error(`softmaxCrossEntropy: ${labels.length} labels for ${n} rows`);
    const s = scores.values();
    const probs = allocate(scores.dtype, n * c);
    const loss = allocate(scores.dtype, n);
    for (let i = 0; i < n; i++) {
      const y = labels[i]!;
      if (!(y >= 0 && y < c))
        throw new Error(`softmaxCrossEntropy: label ${y} of row ${i} is not in [0, ${c})`);
      const row = i * c;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < c; j++) max = s[row + j]! > max ? s[row + j]! : max;
      let total = 0;
      for (let j = 0; j < c; j++) total += Math.exp(s[row + j]! - max);
      const lse = max + Math.log(total);
      for (let j = 0; j < c; j++) probs[row + j] = Math.exp(s[row + j]! - lse);
      loss[i] = lse - s[row + y]!;
    }
    return { out: new Tensor(loss, [n]), saved: { probs, shape: [n, c] } };
  },
  backward(g, { probs, shape }, { labels }) {
    const [n, c] = shape as [number, number];
    const gv = g.values();
    const ds = allocate(g.dtype, n * c);
    for (let i = 0; i < n; i++) {
      const row = i * c;
      const gi = gv[i]!;
      for (let j = 0; j < c; j++) ds[row + j] = gi * probs[row + j]!;
      ds[row + labels[i]!]! -= gi;
    }
    return [new Tensor(ds, shape)];
  },
});

import {
  type BatchNormLayout,
  type BatchNormStats,
  batchNormBackward,
  batchNormForward,
} from '../kernels/batch-norm.js';
import { allocate, allocateUnzeroed, type Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { defineOp, input } from './op.js';

export interface BatchNormAttrs {
  eps: number;
  /** Normalise with these (eval: the running statistics); without, with the batch's own (training). */
  running?: { mean: ArrayLike<number>; variance: ArrayLike<number> };
  /** Receives the batch mean and biased variance per channel when the batch's own are used. */
  record?: (mean: Float64Array, variance: Float64Array) => void;
  /** A fused ReLU on the output, its gradient masked by the saved output. */
  relu?: boolean;
}

interface Saved {
  x: Tensor;
  gamma: Storage;
  stats: BatchNormStats;
  out: Storage;
}

/** Channels on axis 1 of [N, C, ...]. */
function layoutOf(x: Tensor): BatchNormLayout {
  if (x.ndim < 2) throw new Error(`batchNorm needs [N, C, ...], got [${x.shape.join(', ')}]`);
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  return { n, c, plane: n * c === 0 ? 0 : x.size / (n * c) };
}

/**
 * Ioffe & Szegedy 2015 over axis 1: y = gamma (x - mean) / sqrt(var + eps) + beta with the batch's
 * mean and biased variance (or given running ones), optionally through a ReLU; see kernels/batch-norm.ts.
 */
export const batchNormOp = defineOp<BatchNormAttrs, Saved>({
  saves: ['x', 'gamma', 'stats', 'out'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const layout = layoutOf(x);
    const gamma = input(inputs, 1).values();
    const beta = input(inputs, 2).values();
    if (gamma.length !== layout.c || beta.length !== layout.c) {
      throw new Error(`batchNorm: weight and bias need ${layout.c} values`);
    }
    const out = allocateUnzeroed(x.dtype, x.size);
    const running = attrs.running ?? null;
    const stats = batchNormForward(
      x.values(),
      layout,
      gamma,
      beta,
      attrs.eps,
      running,
      attrs.relu ?? false,
      out,
    );
    if (!running) attrs.record?.(stats.mean, stats.variance);
    return { out: new Tensor(out, x.shape), saved: { x, gamma, stats, out } };
  },
  backward(g, { x, gamma, stats, out }, attrs) {
    const layout = layoutOf(x);
    const dx = x.requiresGrad ? allocateUnzeroed(g.dtype, x.size) : null;
    const reluOutput = attrs.relu ? out : null;
    const batchStatistics = attrs.running === undefined;
    const { dgamma, dbeta } = batchNormBackward(
      g.values(),
      x.values(),
      reluOutput,
      layout,
      gamma,
      stats,
      batchStatistics,
      dx,
    );
    const vector = (v: Float64Array) => {
      const data = allocate(g.dtype, layout.c);
      data.set(v);
      return new Tensor(data, [layout.c]);
    };
    return [dx ? new Tensor(dx, x.shape) : null, vector(dgamma), vector(dbeta)];
  },
});

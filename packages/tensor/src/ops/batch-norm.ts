import { allocate, type Storage } from '../storage.js';
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
  mean: Float64Array;
  invstd: Float64Array;
  out: Storage;
}

/** Channels on axis 1 of [N, C, ...]: count per channel, block length, and block stride. */
function layout(x: Tensor): { n: number; c: number; plane: number } {
  if (x.ndim < 2) throw new Error(`batchNorm needs [N, C, ...], got [${x.shape.join(', ')}]`);
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  return { n, c, plane: n * c === 0 ? 0 : x.size / (n * c) };
}

/**
 * Ioffe & Szegedy 2015 over axis 1: y = gamma (x - mean) / sqrt(var + eps) + beta with the batch's
 * mean and biased variance (or given running ones), accumulated in float64. Backward (the paper's
 * chain rule, folded): dx = gamma invstd / M (M g - sum g - xhat sum(g xhat)); with given statistics
 * dx = gamma invstd g. dgamma = sum(g xhat), dbeta = sum(g).
 */
export const batchNormOp = defineOp<BatchNormAttrs, Saved>({
  saves: ['x', 'gamma', 'mean', 'invstd', 'out'],
  forward(inputs, attrs) {
    const x = input(inputs, 0);
    const { n, c, plane } = layout(x);
    const gamma = input(inputs, 1).values();
    const beta = input(inputs, 2).values();
    if (gamma.length !== c || beta.length !== c)
      throw new Error(`batchNorm: weight and bias need ${c} values`);
    const xv = x.values();
    const count = n * plane;
    const mean = new Float64Array(c);
    const invstd = new Float64Array(c);
    const variance = new Float64Array(c);
    for (let ch = 0; ch < c; ch++) {
      let mu: number;
      let v: number;
      if (attrs.running) {
        mu = attrs.running.mean[ch]!;
        v = attrs.running.variance[ch]!;
      } else {
        let s = 0;
        for (let b = 0; b < n; b++) {
          const o = (b * c + ch) * plane;
          for (let i = o; i < o + plane; i++) s += xv[i]!;
        }
        mu = s / count;
        let ss = 0;
        for (let b = 0; b < n; b++) {
          const o = (b * c + ch) * plane;
          for (let i = o; i < o + plane; i++) {
            const d = xv[i]! - mu;
            ss += d * d;
          }
        }
        v = ss / count;
      }
      mean[ch] = mu;
      variance[ch] = v;
      invstd[ch] = 1 / Math.sqrt(v + attrs.eps);
    }
    if (!attrs.running) attrs.record?.(mean, variance);
    const out = allocate(x.dtype, x.size);
    for (let ch = 0; ch < c; ch++) {
      const scale = gamma[ch]! * invstd[ch]!;
      const shift = beta[ch]! - mean[ch]! * scale;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        if (attrs.relu) {
          for (let i = o; i < o + plane; i++) {
            const y = xv[i]! * scale + shift;
            out[i] = y > 0 ? y : 0;
          }
        } else for (let i = o; i < o + plane; i++) out[i] = xv[i]! * scale + shift;
      }
    }
    return { out: new Tensor(out, x.shape), saved: { x, gamma, mean, invstd, out } };
  },
  backward(g, { x, gamma, mean, invstd, out }, attrs) {
    const { n, c, plane } = layout(x);
    const count = n * plane;
    const xv = x.values();
    const gv = g.values();
    const relu = attrs.relu ?? false;
    const dx = x.requiresGrad ? allocate(g.dtype, x.size) : null;
    const dgamma = allocate(g.dtype, c);
    const dbeta = allocate(g.dtype, c);
    for (let ch = 0; ch < c; ch++) {
      const mu = mean[ch]!;
      const is = invstd[ch]!;
      let sumG = 0;
      let sumGx = 0;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        for (let i = o; i < o + plane; i++) {
          const gi = relu && !(out[i]! > 0) ? 0 : gv[i]!;
          sumG += gi;
          sumGx += gi * (xv[i]! - mu) * is;
        }
      }
      dgamma[ch] = sumGx;
      dbeta[ch] = sumG;
      if (!dx) continue;
      const k = gamma[ch]! * is;
      // With batch statistics the mean and variance depend on x too; given ones are constants.
      const meanG = attrs.running ? 0 : sumG / count;
      const meanGx = attrs.running ? 0 : sumGx / count;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        for (let i = o; i < o + plane; i++) {
          const gi = relu && !(out[i]! > 0) ? 0 : gv[i]!;
          dx[i] = k * (gi - meanG - (xv[i]! - mu) * is * meanGx);
        }
      }
    }
    return [dx ? new Tensor(dx, x.shape) : null, new Tensor(dgamma, [c]), new Tensor(dbeta, [c])];
  },
});

import { simdRuntime } from '../runtime/index.js';
import type { Storage } from '../storage.js';

// Batch normalisation over axis 1 of [n, c, plane], statistics and gradient sums in float64: WebAssembly
// SIMD for float32 with planes of a multiple of 4 values, plain loops otherwise.

export interface BatchNormLayout {
  n: number;
  c: number;
  plane: number;
}

export interface BatchNormStats {
  mean: Float64Array;
  /** Biased (divided by the count) for batch statistics. */
  variance: Float64Array;
  invstd: Float64Array;
}

const simdFor = (data: Storage, plane: number) =>
  data instanceof Float32Array && plane % 4 === 0 && plane > 0 ? simdRuntime() : undefined;

/**
 * out = gamma (x - mean) invstd + beta, then ReLU when `relu`, with the batch's statistics (running
 * null) or the given ones; returns the statistics used. Overwrites out.
 */
export function batchNormForward(
  x: Storage,
  { n, c, plane }: BatchNormLayout,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  eps: number,
  running: { mean: ArrayLike<number>; variance: ArrayLike<number> } | null,
  relu: boolean,
  out: Storage,
): BatchNormStats {
  const count = n * plane;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const rt = simdFor(x, plane);
  const at = rt?.scratch({ x: x.length, out: x.length, sums: 2 * c, m: c, scale: c, shift: c });
  if (rt && at) rt.floats.set(x, at.x >> 2);
  if (running) {
    mean.set(Array.from(running.mean));
    variance.set(Array.from(running.variance));
  } else if (rt && at) {
    const sums = new Float64Array(rt.floats.buffer, at.sums, c);
    rt.kernels.channelSums(at.x, n, c, plane, 0, at.sums);
    for (let ch = 0; ch < c; ch++) mean[ch] = sums[ch]! / count;
    rt.floats.set(mean, at.m >> 2);
    rt.kernels.channelSums(at.x, n, c, plane, at.m, at.sums);
    for (let ch = 0; ch < c; ch++) variance[ch] = sums[ch]! / count;
  } else {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        for (let i = o; i < o + plane; i++) s += x[i]!;
      }
      const mu = s / count;
      let ss = 0;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        for (let i = o; i < o + plane; i++) ss += (x[i]! - mu) * (x[i]! - mu);
      }
      mean[ch] = mu;
      variance[ch] = ss / count;
    }
  }
  const invstd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const scale = Float64Array.from(invstd, (is, ch) => gamma[ch]! * is);
  const shift = Float64Array.from(scale, (k, ch) => beta[ch]! - mean[ch]! * k);
  if (rt && at) {
    rt.floats.set(scale, at.scale >> 2);
    rt.floats.set(shift, at.shift >> 2);
    rt.kernels.channelAffine(at.x, at.out, n, c, plane, at.scale, at.shift, relu ? 1 : 0);
    out.set(rt.floats.subarray(at.out >> 2, (at.out >> 2) + out.length));
  } else {
    for (let ch = 0; ch < c; ch++) {
      const k = scale[ch]!;
      const h = shift[ch]!;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        for (let i = o; i < o + plane; i++) {
          const y = x[i]! * k + h;
          out[i] = relu && !(y > 0) ? 0 : y;
        }
      }
    }
  }
  return { mean, variance, invstd };
}

/**
 * Gradients of batchNormForward from g; with `reluOutput` (its output y) g is first zeroed where
 * y <= 0. With batch statistics dx = gamma invstd (g - mean(g) - xhat mean(g xhat)) (Ioffe & Szegedy,
 * folded); with given ones dx = gamma invstd g. Returns dgamma = sum(g xhat), dbeta = sum(g); dx
 * (when not null) is overwritten.
 */
export function batchNormBackward(
  g: Storage,
  x: Storage,
  reluOutput: Storage | null,
  { n, c, plane }: BatchNormLayout,
  gamma: ArrayLike<number>,
  { mean, invstd }: BatchNormStats,
  batchStatistics: boolean,
  dx: Storage | null,
): { dgamma: Float64Array; dbeta: Float64Array } {
  const count = n * plane;
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  const rt = simdFor(g, plane);
  const relu = reluOutput !== null;
  const size = g.length;
  const at = rt?.scratch({
    g: size,
    x: size,
    y: relu ? size : 0,
    dx: size,
    m: c,
    is: c,
    sums: 4 * c,
    a: c,
    b: c,
    d: c,
  });
  if (rt && at) {
    const mem = rt.floats;
    mem.set(g, at.g >> 2);
    mem.set(x, at.x >> 2);
    if (reluOutput) mem.set(reluOutput, at.y >> 2);
    mem.set(mean, at.m >> 2);
    mem.set(invstd, at.is >> 2);
    rt.kernels.channelGradSums(at.g, at.x, at.y, relu ? 1 : 0, n, c, plane, at.m, at.is, at.sums);
    const sums = new Float64Array(mem.buffer, at.sums, 2 * c);
    for (let ch = 0; ch < c; ch++) {
      dbeta[ch] = sums[2 * ch]!;
      dgamma[ch] = sums[2 * ch + 1]!;
    }
  } else {
    for (let ch = 0; ch < c; ch++) {
      const mu = mean[ch]!;
      const is = invstd[ch]!;
      let sumG = 0;
      let sumGx = 0;
      for (let b = 0; b < n; b++) {
        const o = (b * c + ch) * plane;
        for (let i = o; i < o + plane; i++) {
          const gi = reluOutput && !(reluOutput[i]! > 0) ? 0 : g[i]!;
          sumG += gi;
          sumGx += gi * (x[i]! - mu) * is;
        }
      }
      dbeta[ch] = sumG;
      dgamma[ch] = sumGx;
    }
  }
  if (!dx) return { dgamma, dbeta };
  // dx = a g + b + d x per channel.
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  const d = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    const k = gamma[ch]! * invstd[ch]!;
    const meanG = batchStatistics ? dbeta[ch]! / count : 0;
    const meanGx = batchStatistics ? dgamma[ch]! / count : 0;
    a[ch] = k;
    b[ch] = -k * meanG + k * mean[ch]! * invstd[ch]! * meanGx;
    d[ch] = -k * invstd[ch]! * meanGx;
  }
  if (rt && at) {
    const mem = rt.floats;
    mem.set(a, at.a >> 2);
    mem.set(b, at.b >> 2);
    mem.set(d, at.d >> 2);
    rt.kernels.channelGradInput(at.g, at.x, at.y, relu ? 1 : 0, n, c, plane, at.a, at.b, at.d, at.dx);
    dx.set(mem.subarray(at.dx >> 2, (at.dx >> 2) + size));
    return { dgamma, dbeta };
  }
  for (let ch = 0; ch < c; ch++) {
    const [ac, bc, dc] = [a[ch]!, b[ch]!, d[ch]!];
    for (let bi = 0; bi < n; bi++) {
      const o = (bi * c + ch) * plane;
      for (let i = o; i < o + plane; i++) {
        const gi = reluOutput && !(reluOutput[i]! > 0) ? 0 : g[i]!;
        dx[i] = ac * gi + bc + dc * x[i]!;
      }
    }
  }
  return { dgamma, dbeta };
}

import type { Tensor } from '@ocellus/tensor';

/** A batch `[N, ...featureShape]` seen as N rows of D features. */
export interface FeatureRows {
  readonly data: Float32Array | Float64Array;
  readonly n: number;
  readonly d: number;
  readonly featureShape: readonly number[];
}

export function featureRows(x: Tensor): FeatureRows {
  if (x.ndim < 2) throw new RangeError(`preprocessing needs [N, ...features], got [${x.shape.join(', ')}]`);
  const [n, ...featureShape] = x.shape as [number, ...number[]];
  return { data: x.values(), n, d: featureShape.reduce((a, b) => a * b, 1), featureShape };
}

export function requireFeatures(rows: FeatureRows, fitted: readonly number[], what: string): void {
  if (rows.featureShape.join() !== fitted.join()) {
    throw new RangeError(
      `${what} was fitted on features [${fitted.join(', ')}], got [${rows.featureShape.join(', ')}]`,
    );
  }
}

/**
 * Statistics per channel (the first feature axis, torchvision `Normalize`-style; one channel for flat
 * features) or per feature (each pixel on its own, scikit-learn-style).
 */
export type StatisticsAxis = 'channel' | 'feature';

/** Number of statistics groups and the group of each feature. */
export function featureGroups(featureShape: readonly number[], per: StatisticsAxis): Int32Array {
  const d = featureShape.reduce((a, b) => a * b, 1);
  const channels = per === 'feature' ? d : featureShape.length >= 2 ? featureShape[0]! : 1;
  const span = d / channels;
  return Int32Array.from({ length: d }, (_, f) => Math.floor(f / span));
}

/** Throws unless the fitted statistics have one entry per group. */
export function requireGroupCount(groups: Int32Array, lengths: readonly number[], what: string): void {
  const count = groups.length === 0 ? 0 : groups[groups.length - 1]! + 1;
  if (lengths.some((length) => length !== count)) {
    throw new Error(`${what}: statistics of lengths [${lengths.join(', ')}] for ${count} groups`);
  }
}

export interface GroupStatistics {
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
}

/** Mean, population standard deviation (two-pass, float64), min and max of each group over the rows. */
export function groupStatistics(rows: FeatureRows, groups: Int32Array): GroupStatistics {
  const count = groups.length === 0 ? 0 : groups[groups.length - 1]! + 1;
  const sum = new Float64Array(count);
  const min = new Array<number>(count).fill(Infinity);
  const max = new Array<number>(count).fill(-Infinity);
  const perGroup = (rows.n * rows.d) / count;
  const { data, n, d } = rows;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const v = data[i * d + f]!;
      const g = groups[f]!;
      sum[g]! += v;
      if (v < min[g]!) min[g] = v;
      if (v > max[g]!) max[g] = v;
    }
  }
  const mean = Array.from(sum, (s) => s / perGroup);
  const squares = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const g = groups[f]!;
      const delta = data[i * d + f]! - mean[g]!;
      squares[g]! += delta * delta;
    }
  }
  return { mean, std: Array.from(squares, (s) => Math.sqrt(s / perGroup)), min, max };
}

/** A spread this small next to the values is float32 rounding, not signal: treat the feature as constant. */
export function isConstant(spread: number, ...values: number[]): boolean {
  return !(spread > 1e-7 * Math.max(1, ...values.map(Math.abs)));
}

/** y[i, f] = (x[i, f] - shift[g(f)]) / scale[g(f)], same shape as x. */
export function affinePerGroup(
  rows: FeatureRows,
  groups: Int32Array,
  shift: readonly number[],
  scale: readonly number[],
): Float32Array {
  const { data, n, d } = rows;
  const out = new Float32Array(n * d);
  const inverse = scale.map((s) => 1 / s);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const g = groups[f]!;
      out[i * d + f] = (data[i * d + f]! - shift[g]!) * inverse[g]!;
    }
  }
  return out;
}

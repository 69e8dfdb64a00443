import { matmul, Tensor, transpose } from '@ocellus/tensor';
import type { FeatureRows } from './features.js';

/** Feature means and the sample covariance X_c^T X_c / (n - 1), all in float64. */
export function covariance(rows: FeatureRows): { mean: Float64Array; covariance: Float64Array } {
  const { data, n, d } = rows;
  if (n < 2) throw new RangeError(`a covariance needs at least 2 samples, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += data[i * d + f]!;
  for (let f = 0; f < d; f++) mean[f]! /= n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) centred[i * d + f] = data[i * d + f]! - mean[f]!;
  const x = new Tensor(centred, [n, d]);
  const product = matmul(transpose(x), x).values();
  return { mean, covariance: Float64Array.from(product, (v) => v / (n - 1)) };
}

import { matmul, reshape, sub, Tensor, transpose } from '@ocellus/tensor';
import { eigh } from '@ocellus/tensor/linalg';
import { covariance } from './covariance.js';
import { featureRows, requireFeatures } from './features.js';

/** none: project on k axes; pca: also scale each to unit variance; zca: whiten, then rotate back. */
export type Whitening = 'none' | 'pca' | 'zca';

export interface PcaOptions {
  components: number;
  whiten?: Whitening;
  /** Added to each eigenvalue before whitening, so near-zero directions are not blown up. */
  epsilon?: number;
}

/** The small part of a fitted PCA; the mean and the axes travel as tensors (`PCA_TENSORS`). */
export interface PcaJson {
  kind: 'pca';
  featureShape: number[];
  components: number;
  whiten: Whitening;
  epsilon: number;
  /** Variance along each kept axis (eigenvalues of the training covariance), descending. */
  eigenvalues: number[];
  explainedVarianceRatio: number[];
}

export const PCA_TENSORS = { mean: 'preprocessing.pca.mean', axes: 'preprocessing.pca.components' } as const;

/**
 * PCA by the eigendecomposition of the training covariance (float64): z = (x - mu) U_k, PCA
 * whitening z / sqrt(lambda + eps), ZCA whitening U_k diag(1 / sqrt(lambda + eps)) U_k^T (x - mu)
 * back in the input's coordinates (CS231n notes, "Data preprocessing").
 */
export class Pca {
  private constructor(
    readonly json: Readonly<PcaJson>,
    /** [D] */
    readonly mean: Tensor,
    /** [k, D], orthonormal rows (the principal axes, largest variance first). */
    readonly axes: Tensor,
  ) {}

  static fit(x: Tensor, options: PcaOptions): Pca {
    const rows = featureRows(x);
    const k = options.components;
    if (!(Number.isInteger(k) && k >= 1 && k <= rows.d)) {
      throw new RangeError(`PCA components must be an integer in [1, ${rows.d}], got ${k}`);
    }
    const stats = covariance(rows);
    const { values, vectors } = eigh(stats.covariance, rows.d);
    const variances = Array.from(values, (v) => Math.max(v, 0));
    const total = variances.reduce((a, b) => a + b, 0);
    const axes = new Float32Array(k * rows.d);
    for (let j = 0; j < k; j++)
      for (let f = 0; f < rows.d; f++) axes[j * rows.d + f] = vectors[f * rows.d + j]!;
    const kept = variances.slice(0, k);
    const json: PcaJson = {
      kind: 'pca',
      featureShape: [...rows.featureShape],
      components: k,
      whiten: options.whiten ?? 'none',
      epsilon: options.epsilon ?? 1e-5,
      eigenvalues: kept,
      explainedVarianceRatio: kept.map((v) => (total > 0 ? v / total : 0)),
    };
    return Pca.create(
      json,
      new Tensor(Float32Array.from(stats.mean), [rows.d]),
      new Tensor(axes, [k, rows.d]),
    );
  }

  static fromArtifact(json: PcaJson, tensors: Readonly<Record<string, Tensor>>): Pca {
    if (json.kind !== 'pca') throw new Error(`expected a pca step, got ${String(json.kind)}`);
    const mean = tensors[PCA_TENSORS.mean];
    const axes = tensors[PCA_TENSORS.axes];
    if (!mean || !axes) throw new Error(`pca needs the tensors ${PCA_TENSORS.mean} and ${PCA_TENSORS.axes}`);
    return Pca.create(json, mean, axes);
  }

  private static create(json: PcaJson, mean: Tensor, axes: Tensor): Pca {
    const d = json.featureShape.reduce((a, b) => a * b, 1);
    const k = json.components;
    if (mean.shape.join() !== `${d}` || axes.shape.join() !== `${k},${d}` || json.eigenvalues.length !== k) {
      throw new Error(
        `pca: tensors [${mean.shape}] and [${axes.shape}] do not fit ${k} axes of ${d} features`,
      );
    }
    if (!['none', 'pca', 'zca'].includes(json.whiten) || !(json.epsilon >= 0)) {
      throw new Error(`pca: unknown whitening ${json.whiten} or negative epsilon ${json.epsilon}`);
    }
    return new Pca(json, mean, axes);
  }

  get explainedVarianceRatio(): readonly number[] {
    return this.json.explainedVarianceRatio;
  }

  /** [N, k] for none and pca; the input's shape for zca. */
  outputShape(n: number): number[] {
    return this.json.whiten === 'zca' ? [n, ...this.json.featureShape] : [n, this.json.components];
  }

  transform(x: Tensor): Tensor {
    const rows = featureRows(x);
    requireFeatures(rows, this.json.featureShape, 'pca');
    const centred = sub(new Tensor(rows.data, [rows.n, rows.d]), this.mean);
    const projected = matmul(centred, transpose(this.axes)).values();
    if (this.json.whiten === 'none') return new Tensor(projected, [rows.n, this.json.components]);
    const scale = this.json.eigenvalues.map((v) => 1 / Math.sqrt(v + this.json.epsilon));
    const k = this.json.components;
    const whitened = new Float32Array(projected.length);
    for (let i = 0; i < whitened.length; i++) whitened[i] = projected[i]! * scale[i % k]!;
    const z = new Tensor(whitened, [rows.n, k]);
    if (this.json.whiten === 'pca') return z;
    return reshape(matmul(z, this.axes), x.shape);
  }

  toJSON(): PcaJson {
    return structuredClone(this.json) as PcaJson;
  }

  tensors(): Record<string, Tensor> {
    return { [PCA_TENSORS.mean]: this.mean, [PCA_TENSORS.axes]: this.axes };
  }
}

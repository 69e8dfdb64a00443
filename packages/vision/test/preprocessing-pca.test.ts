import { Rng, type Tensor, tensor } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { canonicalSplit, loadMnist } from '@ocellus/vision/mnist';
import { PCA_TENSORS, Pca, Preprocessor } from '@ocellus/vision/preprocessing';
import { describe, expect, it } from 'vitest';

type Matrix = number[][];

const rowsOf = (t: Tensor): Matrix => {
  const n = t.shape[0]!;
  const d = t.size / n;
  const v = t.values();
  return Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * d, (i + 1) * d)));
};
const centre = (rows: Matrix): Matrix => {
  const mu = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  return rows.map((r) => r.map((v, j) => v - mu[j]!));
};
/** Sample covariance (n - 1), computed independently of the library. */
const covarianceOf = (rows: Matrix): Matrix => {
  const c = centre(rows);
  const d = c[0]!.length;
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => c.reduce((s, r) => s + r[a]! * r[b]!, 0) / (c.length - 1)),
  );
};
const maxDistanceToIdentity = (m: Matrix) =>
  Math.max(...m.flatMap((row, i) => row.map((v, j) => Math.abs(v - (i === j ? 1 : 0)))));
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** A random d x d orthogonal matrix (Gram-Schmidt on Gaussian rows). */
function orthogonal(d: number, rng: Rng): Matrix {
  const q: Matrix = [];
  while (q.length < d) {
    let v = Array.from({ length: d }, () => rng.normal());
    for (const u of q) v = v.map((x, i) => x - dot(v, u) * u[i]!);
    const norm = Math.sqrt(dot(v, v));
    q.push(v.map((x) => x / norm));
  }
  return q;
}

/** 3000 samples of 6 features: independent sources with std 3, 2, 1, 0.5, 0.2, 0.1, rotated and shifted. */
function correlated(seed: number): Tensor {
  const rng = new Rng(seed);
  const rotation = orthogonal(6, rng);
  const spread = [3, 2, 1, 0.5, 0.2, 0.1];
  const rows = Array.from({ length: 3000 }, () => {
    const source = spread.map((s) => s * rng.normal());
    return rotation[0]!.map((_, j) => 4 + source.reduce((sum, z, i) => sum + z * rotation[i]![j]!, 0));
  });
  return tensor(rows);
}

describe('Pca', () => {
  it('finds the axes and variances of a hand-computed 2-D case', () => {
    const pca = Pca.fit(
      tensor([
        [2, 2],
        [-2, -2],
        [1, -1],
        [-1, 1],
      ]),
      { components: 2 },
    );
    expect(pca.toJSON().eigenvalues[0]).toBeCloseTo(16 / 3, 10);
    expect(pca.toJSON().eigenvalues[1]).toBeCloseTo(4 / 3, 10);
    expect(pca.explainedVarianceRatio[0]).toBeCloseTo(0.8, 10);
    expect(pca.explainedVarianceRatio[1]).toBeCloseTo(0.2, 10);
    const axes = Array.from(pca.axes.values(), Math.abs);
    for (const a of axes) expect(a).toBeCloseTo(Math.SQRT1_2, 6);
    const projected = rowsOf(pca.transform(tensor([[2, 2]])))[0]!;
    expect(Math.abs(projected[0]!)).toBeCloseTo(2 * Math.SQRT2, 5);
    expect(projected[1]).toBeCloseTo(0, 6);
  });

  const x = correlated(1);

  it('keeps orthonormal axes with decreasing explained variance that sums to at most 1', () => {
    const pca = Pca.fit(x, { components: 3 });
    const axes = rowsOf(pca.axes);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) expect(dot(axes[a]!, axes[b]!)).toBeCloseTo(a === b ? 1 : 0, 6);
    const ratio = pca.explainedVarianceRatio;
    expect(ratio).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect(ratio[i]!).toBeLessThan(ratio[i - 1]!);
    const total = 9 + 4 + 1 + 0.25 + 0.04 + 0.01;
    expect(ratio[0]).toBeCloseTo(9 / total, 1);
    expect(ratio.reduce((a, b) => a + b, 0)).toBeLessThan(1);
    const full = Pca.fit(x, { components: 6 }).explainedVarianceRatio.reduce((a, b) => a + b, 0);
    expect(full).toBeCloseTo(1, 10);
    expect(pca.transform(x).shape).toEqual([3000, 3]);
  });

  it('decorrelates the projection, whose variances are the eigenvalues', () => {
    const pca = Pca.fit(x, { components: 4 });
    const cov = covarianceOf(rowsOf(pca.transform(x)));
    cov.forEach((row, i) => {
      row.forEach((v, j) => {
        if (i === j) expect(v / pca.toJSON().eigenvalues[i]!).toBeCloseTo(1, 3);
        else expect(Math.abs(v)).toBeLessThan(1e-3);
      });
    });
  });

  it('whitens to an identity covariance (PCA whitening)', () => {
    const z = Pca.fit(x, { components: 6, whiten: 'pca', epsilon: 1e-9 }).transform(x);
    expect(z.shape).toEqual([3000, 6]);
    expect(maxDistanceToIdentity(covarianceOf(rowsOf(z)))).toBeLessThan(2e-3);
  });

  it('shrinks low-variance directions by lambda / (lambda + eps)', () => {
    const pca = Pca.fit(x, { components: 6, whiten: 'pca', epsilon: 0.01 });
    const cov = covarianceOf(rowsOf(pca.transform(x)));
    pca.toJSON().eigenvalues.forEach((l, i) => {
      expect(cov[i]![i]).toBeCloseTo(l / (l + 0.01), 3);
    });
  });

  describe('ZCA whitening', () => {
    const zca = Pca.fit(x, { components: 6, whiten: 'zca', epsilon: 1e-9 });
    const z = zca.transform(x);

    it('whitens in the input coordinates', () => {
      expect(z.shape).toEqual([3000, 6]);
      expect(maxDistanceToIdentity(covarianceOf(rowsOf(z)))).toBeLessThan(2e-3);
    });

    it('applies the symmetric matrix U diag(1 / sqrt(l + eps)) U^T', () => {
      const mean = Array.from(zca.mean.values());
      const basis = mean.map((_, i) => mean.map((m, j) => m + (i === j ? 1 : 0)));
      const w = rowsOf(zca.transform(tensor(basis)));
      for (let i = 0; i < 6; i++) for (let j = 0; j < i; j++) expect(w[i]![j]).toBeCloseTo(w[j]![i]!, 3);
    });

    it('stays closer to the centred input than any rotation of the PCA-whitened data', () => {
      const input = centre(rowsOf(x));
      const distance = (rows: Matrix) =>
        rows.reduce((s, r, i) => s + r.reduce((t, v, j) => t + (v - input[i]![j]!) ** 2, 0), 0);
      const zcaDistance = distance(rowsOf(z));
      const pcaWhite = rowsOf(Pca.fit(x, { components: 6, whiten: 'pca', epsilon: 1e-9 }).transform(x));
      const rng = new Rng(4);
      for (let trial = 0; trial < 3; trial++) {
        const q = orthogonal(6, rng);
        const rotated = pcaWhite.map((r) => q.map((row) => dot(row, r)));
        expect(zcaDistance).toBeLessThan(distance(rotated));
      }
      expect(zcaDistance).toBeLessThan(distance(pcaWhite));
    });

    it('projects onto k axes and back when fewer components are kept', () => {
      const partial = Pca.fit(x, { components: 2, whiten: 'zca' });
      const out = partial.transform(x);
      expect(out.shape).toEqual([3000, 6]);
      const cov = covarianceOf(rowsOf(out));
      const trace = cov.reduce((s, row, i) => s + row[i]!, 0);
      expect(trace).toBeCloseTo(2, 2);
    });
  });

  it('refuses impossible component counts', () => {
    expect(() => Pca.fit(x, { components: 7 })).toThrow(/\[1, 6\]/);
    expect(() => Pca.fit(x, { components: 0 })).toThrow(/\[1, 6\]/);
  });
});

describe('Preprocessor with PCA on MNIST', () => {
  const { train, test } = canonicalSplit();
  /** 7x7 average-pooled digits keep the test fast (49 features instead of 784). */
  const pooled = (indices: Int32Array) => {
    const batch = gatherBatch(loadMnist(), indices).inputs.values();
    const out = new Float32Array(indices.length * 49);
    for (let i = 0; i < indices.length; i++) {
      for (let p = 0; p < 784; p++) {
        const cell = Math.floor(Math.floor(p / 28) / 4) * 7 + Math.floor((p % 28) / 4);
        out[i * 49 + cell]! += batch[i * 784 + p]! / 16;
      }
    }
    return tensor(out, [indices.length, 1, 7, 7]);
  };
  const trainX = pooled(train.filter((_, i) => i % 8 === 0));
  const testX = pooled(test.subarray(0, 300));

  it('reports decreasing explained variance of real digits', () => {
    const p = Preprocessor.fit({ normalize: 'standard', pca: { components: 20 } }, trainX);
    const ratio = p.pca!.explainedVarianceRatio;
    expect(ratio[0]).toBeGreaterThan(0.05);
    for (let i = 1; i < ratio.length; i++) expect(ratio[i]!).toBeLessThanOrEqual(ratio[i - 1]!);
    const kept = ratio.reduce((a, b) => a + b, 0);
    expect(kept).toBeGreaterThan(0.7);
    expect(kept).toBeLessThan(1);
    expect(p.transform(testX).shape).toEqual([300, 20]);
    expect(p.outputShape(300, [1, 7, 7])).toEqual([300, 20]);
  });

  it('round-trips through small JSON plus tensors, with identical test-split outputs', () => {
    const p = Preprocessor.fit(
      { normalize: 'standard', pca: { components: 30, whiten: 'zca', epsilon: 0.1 } },
      trainX,
    );
    const json = JSON.stringify(p.toJSON());
    expect(json.length).toBeLessThan(4000);
    expect(Object.keys(p.tensors()).sort()).toEqual([PCA_TENSORS.axes, PCA_TENSORS.mean].sort());
    const copy = Preprocessor.fromArtifact(JSON.parse(json), p.tensors());
    const out = copy.transform(testX);
    expect(out.shape).toEqual([300, 1, 7, 7]);
    expect(Array.from(out.values())).toEqual(Array.from(p.transform(testX).values()));
    expect(() => Preprocessor.fromJSON(JSON.parse(json))).toThrow(/needs the tensors/);
  });

  it('is fitted on the training data alone: other data does not move the statistics', () => {
    const a = Preprocessor.fit({ pca: { components: 5, whiten: 'pca' } }, trainX);
    const before = JSON.stringify(a.toJSON());
    a.transform(testX);
    expect(JSON.stringify(a.toJSON())).toBe(before);
    const whitened = covarianceOf(rowsOf(a.transform(trainX)));
    const onTest = covarianceOf(rowsOf(a.transform(testX)));
    expect(maxDistanceToIdentity(whitened)).toBeLessThan(1e-2);
    expect(maxDistanceToIdentity(onTest)).toBeGreaterThan(maxDistanceToIdentity(whitened));
  });
});

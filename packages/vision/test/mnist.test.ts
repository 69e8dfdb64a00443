import { kFold, proportionalCounts } from '@ocellus/vision/datasets';
import { canonicalSplit, loadMnist, MNIST_LABELS, mnistFolds, mnistSubset } from '@ocellus/vision/mnist';
import { describe, expect, it } from 'vitest';

const FILE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function classCounts(indices: ArrayLike<number>, labels: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < indices.length; i++) counts[labels[indices[i]!]!]!++;
  return counts;
}

describe('loadMnist', () => {
  it('reads the per-class files with the documented counts', () => {
    const set = loadMnist();
    expect([set.size, set.channels, set.height, set.width]).toEqual([10000, 1, 28, 28]);
    expect(set.images.length).toBe(10000 * 784);
    expect(
      classCounts(
        set.labels,
        new Int32Array(10).map((_, i) => i),
      ),
    ).toEqual(FILE_COUNTS);
    expect(MNIST_LABELS).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('holds grey levels in [0, 1], white ink on a black border', () => {
    const { images, size } = loadMnist();
    let min = Infinity;
    let max = -Infinity;
    for (const v of images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    let corner = 0;
    let centre = 0;
    for (let n = 0; n < size; n++) {
      corner += images[n * 784]!;
      centre += images[n * 784 + 14 * 28 + 14]!;
    }
    expect(corner).toBe(0);
    expect(centre / size).toBeGreaterThan(0.3);
  });

  it('loads once and returns the cached set', () => {
    expect(loadMnist()).toBe(loadMnist());
  });
});

describe('canonicalSplit', () => {
  const { labels } = loadMnist();
  const { train, test } = canonicalSplit();

  it('keeps the first floor(0.8 n) of each class in file order for training', () => {
    expect(classCounts(train, labels)).toEqual(FILE_COUNTS.map((n) => Math.floor(0.8 * n)));
    expect(classCounts(test, labels)).toEqual(FILE_COUNTS.map((n) => n - Math.floor(0.8 * n)));
    expect([train.length, test.length]).toEqual([7996, 2004]);
    expect(Array.from(train.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(test.subarray(0, 3))).toEqual([800, 801, 802]);
    expect(test[201]).toBe(1001 + 901);
  });

  it('is disjoint and covers every digit', () => {
    const seen = new Uint8Array(10000);
    for (const i of train) seen[i]!++;
    for (const i of test) seen[i]!++;
    expect(seen.every((s) => s === 1)).toBe(true);
  });
});

describe('mnistSubset', () => {
  const { labels } = loadMnist();
  const split = canonicalSplit();
  const inTrainPart = new Set(split.train);
  const inTestPart = new Set(split.test);

  it('carves validation out of the training part and caps train by what is left', () => {
    const s = mnistSubset({ train: 8000, validation: 1000, seed: 3 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([6996, 1000, 2004]);
    expect([...s.train, ...s.validation].every((i) => inTrainPart.has(i))).toBe(true);
    expect([...s.test].every((i) => inTestPart.has(i))).toBe(true);
    expect(new Set([...s.train, ...s.validation]).size).toBe(7996);
  });

  it('draws each class in proportion to its size', () => {
    const s = mnistSubset({ train: 2000, validation: 500, test: 1000, seed: 5 });
    const partCounts = classCounts(split.train, labels);
    const expectShare = (indices: Int32Array, total: number, sizes: number[]) => {
      const sum = sizes.reduce((a, b) => a + b, 0);
      classCounts(indices, labels).forEach((c, k) => {
        expect(Math.abs(c - (total * sizes[k]!) / sum)).toBeLessThan(1);
      });
    };
    expectShare(s.validation, 500, partCounts);
    expectShare(s.train, 2000, partCounts);
    expectShare(s.test, 1000, classCounts(split.test, labels));
  });

  it('is reproducible from the seed and changes with it', () => {
    const a = mnistSubset({ train: 300, validation: 100, test: 100, seed: 7 });
    const b = mnistSubset({ train: 300, validation: 100, test: 100, seed: 7 });
    const c = mnistSubset({ train: 300, validation: 100, test: 100, seed: 8 });
    expect(a).toEqual(b);
    expect(Array.from(a.train)).not.toEqual(Array.from(c.train));
  });

  it('interleaves classes instead of listing them in order', () => {
    const s = mnistSubset({ train: 100, validation: 10, test: 10, seed: 1 });
    const first = Array.from(s.train.subarray(0, 20), (i) => labels[i]);
    expect(new Set(first).size).toBeGreaterThan(3);
  });

  it('refuses negative or fractional counts', () => {
    expect(() => mnistSubset({ train: -1 })).toThrow(/train/);
    expect(() => mnistSubset({ validation: 2.5 })).toThrow(/validation/);
  });
});

describe('proportionalCounts', () => {
  it('splits by largest remainder', () => {
    expect(proportionalCounts(10, [10, 10, 10])).toEqual([4, 3, 3]);
    expect(proportionalCounts(5, [4, 2, 2])).toEqual([3, 1, 1]);
    expect(proportionalCounts(3, [0, 5, 1])).toEqual([0, 3, 0]);
    expect(() => proportionalCounts(8, [3, 4])).toThrow(/cannot draw/);
  });
});

describe('kFold', () => {
  const labels = Int32Array.from({ length: 103 }, (_, i) => (i * 7) % 4);

  it('partitions the positions into stratified folds of near-equal size', () => {
    const folds = kFold(labels, 5, 2);
    expect(folds).toHaveLength(5);
    const owners = new Uint8Array(labels.length);
    for (const fold of folds) {
      expect(fold.train.length + fold.validation.length).toBe(labels.length);
      expect([20, 21]).toContain(fold.validation.length);
      const train = new Set(fold.train);
      for (const p of fold.validation) {
        owners[p]!++;
        expect(train.has(p)).toBe(false);
      }
      const perClass = [0, 1, 2, 3].map((c) => fold.validation.filter((p) => labels[p] === c).length);
      expect(Math.max(...perClass) - Math.min(...perClass)).toBeLessThanOrEqual(1);
    }
    expect(owners.every((o) => o === 1)).toBe(true);
  });

  it('is reproducible from the seed and refuses bad k', () => {
    expect(kFold(labels, 3, 9)).toEqual(kFold(labels, 3, 9));
    expect(kFold(labels, 3, 9)).not.toEqual(kFold(labels, 3, 10));
    expect(() => kFold(labels, 1)).toThrow(/k >= 2/);
    expect(() => kFold(labels.subarray(0, 2), 3)).toThrow(/3 folds/);
  });

  it('maps MNIST folds back to indices of the canonical training part', () => {
    const folds = mnistFolds(5, 4);
    const part = new Set(canonicalSplit().train);
    const all = folds.flatMap((f) => Array.from(f.validation));
    expect(all).toHaveLength(7996);
    expect(new Set(all).size).toBe(7996);
    expect(all.every((i) => part.has(i))).toBe(true);
  });
});

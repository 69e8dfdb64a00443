import { defaultJobSpecSchema } from '@ocellus/contracts';
import { prepareData } from '@ocellus/models';
import { canonicalSplit, loadMnist } from '@ocellus/vision/mnist';
import { describe, expect, it } from 'vitest';

const spec = defaultJobSpecSchema.parse({
  task: 'classify',
  model: 'class-subset',
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 500, validation: 100, test: 250, seed: 6 },
});

describe('prepareData with a class subset', () => {
  it('draws the counts from the listed classes only, evenly, and relabels them in order', () => {
    const { data, test } = prepareData(spec, { classes: [5, 6, 7, 8, 9] });
    const original = loadMnist().labels;
    expect(data.labels).toEqual(['5', '6', '7', '8', '9']);
    expect([data.train.length, data.validation.length, test.length]).toEqual([500, 100, 250]);
    for (const indices of [data.train, data.validation, test]) {
      for (const i of indices) {
        expect(original[i]).toBeGreaterThanOrEqual(5);
        expect(data.set.labels[i]).toBe(original[i]! - 5);
      }
    }
    const perClass = [0, 1, 2, 3, 4].map((c) => data.train.filter((i) => data.set.labels[i] === c).length);
    for (const count of perClass) expect(Math.abs(count - 100)).toBeLessThanOrEqual(15);
  });

  it('keeps validation and train apart, inside the training part, and test inside the test split', () => {
    const { data, test } = prepareData(spec, { classes: [3, 1] });
    expect(data.labels).toEqual(['3', '1']);
    const trainPart = new Set(canonicalSplit().train);
    const testSplit = new Set(canonicalSplit().test);
    const validation = new Set(data.validation);
    expect(data.train.some((i) => validation.has(i))).toBe(false);
    expect([...data.train, ...data.validation].every((i) => trainPart.has(i))).toBe(true);
    expect(test.every((i) => testSplit.has(i))).toBe(true);
    const one = data.train.filter((i) => loadMnist().labels[i] === 1);
    expect(one.every((i) => data.set.labels[i] === 1)).toBe(true);
  });

  it('is seeded by the dataset seed', () => {
    const a = prepareData(spec, { classes: [0, 1, 2] });
    const b = prepareData(spec, { classes: [0, 1, 2] });
    const other = prepareData({ ...spec, dataset: { ...spec.dataset, seed: 7 } }, { classes: [0, 1, 2] });
    expect(b.data.train).toEqual(a.data.train);
    expect(other.data.train).not.toEqual(a.data.train);
  });

  it('refuses fewer than two classes, repeats and classes the dataset lacks', () => {
    for (const classes of [[4], [1, 1], [0, 10], [0.5, 2]]) {
      expect(() => prepareData(spec, { classes })).toThrow(
        /at least two distinct class indices in \[0, 10\)/,
      );
    }
  });
});

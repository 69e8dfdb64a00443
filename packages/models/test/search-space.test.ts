import { defaultJobSpecSchema } from '@ocellus/contracts';
import { gridPoints, SearchSpaceError, searchTrials, trialSpec } from '@ocellus/models';
import { describe, expect, it } from 'vitest';

const spec = (search: Record<string, unknown>) =>
  defaultJobSpecSchema.parse({
    task: 'classify',
    model: 'search-space',
    architecture: { type: 'mlp', hidden: [32] },
    search,
  });

const searchOf = (search: Record<string, unknown>) => spec(search).search!;

describe('searchTrials (random)', () => {
  const space = {
    'optimizer.lr': [1e-4, 1, 'log'],
    'regularization.dropout': [0, 0.5, 'linear'],
    'architecture.activation': { values: ['relu', 'tanh', 'elu'] },
  };

  it('draws the same trials from the same seed and other trials from another seed', () => {
    const search = searchOf({ method: 'random', trials: 5, space });
    expect(searchTrials(search, 7)).toEqual(searchTrials(search, 7));
    expect(searchTrials(search, 8)).not.toEqual(searchTrials(search, 7));
  });

  it('keeps every draw inside its range or list', () => {
    const trials = searchTrials(searchOf({ method: 'random', trials: 50, space }), 3);
    expect(trials).toHaveLength(50);
    for (const t of trials) {
      expect(t['optimizer.lr']).toBeGreaterThanOrEqual(1e-4);
      expect(t['optimizer.lr']).toBeLessThanOrEqual(1);
      expect(t['regularization.dropout']).toBeGreaterThanOrEqual(0);
      expect(t['regularization.dropout']).toBeLessThan(0.5);
      expect(['relu', 'tanh', 'elu']).toContain(t['architecture.activation']);
    }
    expect(new Set(trials.map((t) => t['architecture.activation'])).size).toBe(3);
  });

  it('samples a log range uniformly in log space and a linear range uniformly', () => {
    const trials = searchTrials(searchOf({ method: 'random', trials: 256, space }), 11);
    const fraction = (test: (t: (typeof trials)[number]) => boolean) => trials.filter(test).length / 256;
    // Half of log-uniform [1e-4, 1] lies below 1e-2; a uniform draw would put 1% there.
    expect(fraction((t) => (t['optimizer.lr'] as number) < 1e-2)).toBeGreaterThan(0.4);
    expect(fraction((t) => (t['optimizer.lr'] as number) < 1e-2)).toBeLessThan(0.6);
    expect(fraction((t) => (t['regularization.dropout'] as number) < 0.25)).toBeGreaterThan(0.4);
    expect(fraction((t) => (t['regularization.dropout'] as number) < 0.25)).toBeLessThan(0.6);
  });
});

describe('searchTrials (grid)', () => {
  it('enumerates the cartesian product, a range giving `trials` points (log-spaced for log)', () => {
    const search = searchOf({
      method: 'grid',
      trials: 3,
      space: { 'architecture.batchNorm': { values: [true, false] }, 'optimizer.lr': [1e-3, 1e-1, 'log'] },
    });
    const trials = searchTrials(search, 1);
    expect(trials).toHaveLength(6);
    const lrs = [...new Set(trials.map((t) => t['optimizer.lr'] as number))];
    expect(lrs).toHaveLength(3);
    [1e-3, 1e-2, 1e-1].forEach((lr, i) => {
      expect(lrs[i]).toBeCloseTo(lr, 12);
    });
    for (const batchNorm of [true, false]) {
      for (const lr of lrs) {
        expect(
          trials.filter((t) => t['architecture.batchNorm'] === batchNorm && t['optimizer.lr'] === lr),
        ).toHaveLength(1);
      }
    }
  });

  it('spreads linear grid points evenly and puts a single point in the middle', () => {
    expect(gridPoints([0, 1, 'linear'], 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridPoints([0, 1, 'linear'], 1)).toEqual([0.5]);
    expect(gridPoints([1e-4, 1, 'log'], 1)[0]).toBeCloseTo(1e-2, 12);
  });

  it('refuses a grid with more points than it would train', () => {
    const search = searchOf({
      method: 'grid',
      trials: 20,
      space: { 'optimizer.lr': [1e-4, 1, 'log'], 'regularization.l2': [1e-6, 1e-2, 'log'] },
    });
    expect(() => searchTrials(search, 1)).toThrow(/400 points \(20 x 20\)/);
  });
});

describe('trialSpec', () => {
  const base = spec({ space: { 'optimizer.lr': [1e-4, 1, 'log'] } });

  it('sets each dotted path in a validated copy without the search', () => {
    const trial = trialSpec(
      base,
      { 'optimizer.lr': 0.05, 'architecture.hidden.0': 64, 'schedule.lrDecay.factor': 0.5 },
      defaultJobSpecSchema,
    );
    expect(trial.optimizer.lr).toBe(0.05);
    expect(trial.architecture).toMatchObject({ type: 'mlp', hidden: [64] });
    expect(trial.schedule.lrDecay).toEqual({ every: 1, factor: 0.5 });
    expect(trial.search).toBeUndefined();
    expect(base.optimizer.lr).toBe(1e-3);
    expect(base.architecture).toMatchObject({ hidden: [32] });
  });

  it('names the path of a value the schema refuses', () => {
    expect(() => trialSpec(base, { 'regularization.dropout': 1.5 }, defaultJobSpecSchema)).toThrow(
      /regularization\.dropout = 1\.5 gives an invalid spec: regularization\.dropout:/,
    );
  });

  it('refuses a path that is not a field of the spec', () => {
    expect(() => trialSpec(base, { 'optimizer.lrr': 0.1 }, defaultJobSpecSchema)).toThrow(SearchSpaceError);
    expect(() => trialSpec(base, { 'optimizer.lrr': 0.1 }, defaultJobSpecSchema)).toThrow(/optimizer\.lrr/);
    expect(() => trialSpec(base, { 'architecture.hidden.3': 8 }, defaultJobSpecSchema)).toThrow(
      /'architecture.hidden' is a list of 1, no item 3/,
    );
    expect(() => trialSpec(base, { 'optimizer.lr.x': 1 }, defaultJobSpecSchema)).toThrow(
      /'optimizer.lr' is a number, not an object/,
    );
  });

  it('refuses to search the data, the names or the search itself', () => {
    for (const path of ['dataset.train', 'model', 'search.trials', 'promote']) {
      expect(() => trialSpec(base, { [path]: 5 }, defaultJobSpecSchema)).toThrow(
        new RegExp(`'${path.split('.')[0]}' cannot be searched`),
      );
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJobSpecSchema, type JobSpec } from '@ocellus/contracts';
import {
  familyOf,
  hyperparameterSearch,
  prepareData,
  runTrainingJob,
  type SearchRecord,
  type TrainingData,
} from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocellus-search-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const softmaxJob = (overrides: Record<string, unknown>): JobSpec =>
  defaultJobSpecSchema.parse({
    task: 'classify',
    model: 'search-softmax',
    architecture: { type: 'linear', loss: 'softmax' },
    dataset: { name: 'mnist', train: 300, validation: 100, test: 200, seed: 4 },
    optimizer: { type: 'sgd', lr: 0.1 },
    schedule: { epochs: 2, batchSize: 50 },
    seed: 9,
    ...overrides,
  });

/** Every (train, validation) pair a search fits on, with the family's real models. */
function spyingFactory() {
  const calls: { train: Int32Array; validation: Int32Array }[] = [];
  const createModel = (spec: JobSpec, data: TrainingData) => {
    calls.push({ train: data.train, validation: data.validation });
    return familyOf(spec.architecture.type).create(spec, data);
  };
  return { calls, createModel };
}

const sorted = (indices: ArrayLike<number>) => Array.from(indices).sort((a, b) => a - b);

describe('hyperparameter search in runTrainingJob', () => {
  it('picks the trial with the best validation score and records every trial in the manifest', async () => {
    const registry = openRegistry(root);
    const job = softmaxJob({
      search: { method: 'random', trials: 3, space: { 'optimizer.lr': [1e-4, 1, 'log'] } },
    });
    const lines: string[] = [];
    const percents: number[] = [];
    const { manifest, metrics } = await runTrainingJob(job, {
      registry,
      jobId: null,
      onLog: (l) => lines.push(l),
      onProgress: (p) => percents.push(p.percent),
    });
    const search = manifest.extra.search as SearchRecord;
    expect(search.trials).toHaveLength(3);
    expect(search.metric).toBe('valAccuracy');
    const scores = search.trials.map((t) => t.score);
    expect(new Set(search.trials.map((t) => t.values['optimizer.lr'])).size).toBe(3);
    expect(search.best).toBe(scores.indexOf(Math.max(...scores)));
    expect(search.bestScore).toBe(Math.max(...scores));
    expect(metrics.searchBestScore).toBe(search.bestScore);
    expect(metrics.valAccuracy).toBe(search.bestScore);
    const bestLr = search.trials[search.best]!.values['optimizer.lr'];
    expect(search.bestSpec.optimizer.lr).toBe(bestLr);
    expect((manifest.extra.spec as JobSpec).search).toEqual(job.search);
    expect(
      lines.filter((l) => /^trial \d\/3 optimizer\.lr=\S+: valAccuracy \d\.\d{4}$/.test(l)),
    ).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('trial 2/3: epoch 2/2'))).toHaveLength(1);
    expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!)).toBe(true);
    expect(percents.at(-1)).toBeCloseTo(100, 6);

    for (const [i, trial] of search.trials.entries()) {
      const alone = await runTrainingJob(
        softmaxJob({
          model: `search-trial-${i}`,
          optimizer: { type: 'sgd', lr: trial.values['optimizer.lr'] },
        }),
        { registry, jobId: null },
      );
      expect(alone.metrics.valAccuracy).toBe(trial.score);
    }
  });

  it('names the path when a trial gives an invalid spec, before training anything', async () => {
    const { calls, createModel } = spyingFactory();
    const job = softmaxJob({
      search: { method: 'grid', space: { 'regularization.l2': { values: [0.001, -1] } } },
    });
    const { data } = prepareData(job);
    await expect(
      hyperparameterSearch(job, data, {}, { schema: defaultJobSpecSchema, createModel }),
    ).rejects.toThrow(/regularization\.l2 = -1 gives an invalid spec: regularization\.l2/);
    expect(calls).toHaveLength(0);
  });
});

describe('hyperparameterSearch', () => {
  it('scores by k-fold cross-validation over the training part and trains the best spec on all of it', async () => {
    const { calls, createModel } = spyingFactory();
    const job = softmaxJob({
      search: { method: 'grid', folds: 3, space: { 'optimizer.lr': { values: [0.01, 0.3] } } },
    });
    const { data, test } = prepareData(job);
    const { record, metrics } = await hyperparameterSearch(
      job,
      data,
      {},
      { schema: defaultJobSpecSchema, createModel },
    );
    expect(calls).toHaveLength(2 * 3 + 1);
    const testSet = new Set(test);
    for (const call of calls) {
      expect([...call.train, ...call.validation].some((i) => testSet.has(i))).toBe(false);
    }
    for (const trial of [0, 1]) {
      const folds = calls.slice(3 * trial, 3 * trial + 3);
      expect(sorted(folds.flatMap((f) => [...f.validation]))).toEqual(sorted(data.train));
      for (const fold of folds) {
        expect(sorted([...fold.train, ...fold.validation])).toEqual(sorted(data.train));
      }
    }
    const final = calls.at(-1)!;
    expect(final.train).toBe(data.train);
    expect(final.validation).toBe(data.validation);
    expect(record.metric).toBe('cvAccuracy');
    expect(record.folds).toBe(3);
    for (const trial of record.trials) {
      expect(trial.foldScores).toHaveLength(3);
      expect(trial.score).toBeCloseTo(trial.foldScores!.reduce((a, b) => a + b, 0) / 3, 12);
    }
    expect(record.bestSpec.optimizer.lr).toBe(record.trials[record.best]!.values['optimizer.lr']);
    expect(metrics.valAccuracy).toBeGreaterThan(0.5);
  });

  it('fits on the training part and scores on the validation split without folds', async () => {
    const { calls, createModel } = spyingFactory();
    const job = softmaxJob({
      search: { method: 'grid', space: { 'optimizer.lr': { values: [0.01, 0.3] } } },
    });
    const { data, test } = prepareData(job);
    await hyperparameterSearch(job, data, {}, { schema: defaultJobSpecSchema, createModel });
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.train).toBe(data.train);
      expect(call.validation).toBe(data.validation);
    }
    expect(sorted([...data.train, ...data.validation]).some((i) => new Set(test).has(i))).toBe(false);
  });

  it('stops between trials when the signal aborts', async () => {
    const { calls, createModel } = spyingFactory();
    const job = softmaxJob({
      search: { method: 'random', trials: 3, space: { 'optimizer.lr': [1e-3, 1e-1, 'log'] } },
    });
    const { data } = prepareData(job);
    const controller = new AbortController();
    const hooks = {
      signal: controller.signal,
      onLog: (line: string) => {
        if (/^trial 1\/3 optimizer/.test(line)) controller.abort(new Error('cancelled by the user'));
      },
    };
    await expect(
      hyperparameterSearch(job, data, hooks, { schema: defaultJobSpecSchema, createModel }),
    ).rejects.toThrow('cancelled by the user');
    expect(calls).toHaveLength(1);
  });

  it('throws the signal’s reason, not a trial’s checkpoint, when cancelled inside a trial', async () => {
    const { calls, createModel } = spyingFactory();
    const job = softmaxJob({
      search: { method: 'grid', space: { 'optimizer.lr': { values: [0.01, 0.3] } } },
    });
    const { data } = prepareData(job);
    const controller = new AbortController();
    const reason = new Error('cancelled mid-trial');
    const hooks = {
      signal: controller.signal,
      onProgress: (p: { step: number; metrics: Record<string, number> }) => {
        if (p.metrics.trial === 2 && p.step === 2) controller.abort(reason);
      },
    };
    await expect(
      hyperparameterSearch(job, data, hooks, { schema: defaultJobSpecSchema, createModel }),
    ).rejects.toBe(reason);
    expect(calls).toHaveLength(2);
  });
});

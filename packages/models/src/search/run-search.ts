import type { JobSpec, Metrics } from '@ocellus/contracts';
import { kFold } from '@ocellus/vision/datasets';
import type { FitHooks, TrainingData, VisionModel } from '../types.js';
import { searchTrials, type TrialValues } from './space.js';
import { type JobSpecSchema, trialSpec } from './trial-spec.js';

export interface SearchOptions {
  /** Validates each trial's spec (the job's own schema). */
  schema: JobSpecSchema;
  /** A fresh model for a trial's spec: the family's, or one that starts from a transfer source. */
  createModel: (spec: JobSpec, data: TrainingData) => VisionModel;
}

export interface TrialRecord {
  values: TrialValues;
  /** Validation accuracy, or the mean over the folds with cross-validation. */
  score: number;
  foldScores?: number[];
}

/** What the manifest keeps (`extra.search`). */
export interface SearchRecord {
  method: 'grid' | 'random';
  metric: 'valAccuracy' | 'cvAccuracy';
  folds: number | null;
  trials: TrialRecord[];
  best: number;
  bestScore: number;
  bestSpec: JobSpec;
}

export interface SearchOutcome {
  /** Trained with the best spec on the whole training part (`data.train`). */
  model: VisionModel;
  metrics: Metrics;
  record: SearchRecord;
}

const describe = (values: TrialValues) =>
  Object.entries(values)
    .map(([path, v]) => `${path}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
    .join(' ');

/** Hooks for one training run of `units`: progress rescaled to the whole search, logs tagged. */
function runHooks(hooks: FitHooks, unit: number, units: number, tag: string, trial: number): FitHooks {
  return {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onLog: (line) => hooks.onLog?.(`${tag}: ${line}`),
    onProgress: (p) =>
      hooks.onProgress?.({
        ...p,
        percent: Math.min(100, (100 * (unit + p.percent / 100)) / units),
        metrics: { ...p.metrics, trial },
      }),
  };
}

/** A trial's fit; cancelled, it throws the signal's reason, not a checkpoint that is no job's to resume. */
async function fitTrial(
  model: VisionModel,
  data: TrainingData,
  spec: JobSpec,
  hooks: FitHooks,
): Promise<Metrics> {
  try {
    return await model.fit(data, spec, hooks);
  } catch (error) {
    hooks.signal?.throwIfAborted();
    throw error;
  }
}

/**
 * Hyperparameter search (Bergstra & Bengio 2012 for random search): every trial trains the job's
 * spec with the trial's values, scored by k-fold cross-validation over `data.train` when
 * `search.folds` is set, otherwise by `data.validation`; the test split is never given to it. The
 * best spec is then trained on the whole of `data.train` (with validation scoring, the best trial's
 * model already is exactly that run, so it is kept). The signal stops the search between runs.
 */
export async function hyperparameterSearch(
  spec: JobSpec,
  data: TrainingData,
  hooks: FitHooks,
  options: SearchOptions,
): Promise<SearchOutcome> {
  const search = spec.search;
  if (!search) throw new Error('hyperparameterSearch: the spec has no search');
  const assignments = searchTrials(search, spec.seed);
  const specs = assignments.map((values) => trialSpec(spec, values, options.schema));
  const splits: TrainingData[] = search.folds
    ? kFold(
        Array.from(data.train, (i) => data.set.labels[i]!),
        search.folds,
        spec.seed,
      ).map((fold) => ({
        ...data,
        train: fold.train.map((p) => data.train[p]!),
        validation: fold.validation.map((p) => data.train[p]!),
      }))
    : [data];
  const metric = search.folds ? 'cvAccuracy' : 'valAccuracy';
  const units = specs.length * splits.length + (search.folds ? 1 : 0);
  const trials: TrialRecord[] = [];
  let best: { index: number; score: number; kept: { model: VisionModel; metrics: Metrics } | null } | null =
    null;
  for (const [index, trialSpecOf] of specs.entries()) {
    const values = assignments[index]!;
    const scores: number[] = [];
    let last: { model: VisionModel; metrics: Metrics } | null = null;
    for (const [f, split] of splits.entries()) {
      hooks.signal?.throwIfAborted();
      const tag = `trial ${index + 1}/${specs.length}${search.folds ? ` fold ${f + 1}/${splits.length}` : ''}`;
      const model = options.createModel(trialSpecOf, split);
      const unit = index * splits.length + f;
      const metrics = await fitTrial(model, split, trialSpecOf, runHooks(hooks, unit, units, tag, index + 1));
      scores.push(metrics.valAccuracy ?? Number.NaN);
      last = { model, metrics };
    }
    const score = scores.reduce((a, b) => a + b, 0) / scores.length;
    trials.push({ values, score, ...(search.folds ? { foldScores: scores } : {}) });
    hooks.onLog?.(`trial ${index + 1}/${specs.length} ${describe(values)}: ${metric} ${score.toFixed(4)}`);
    if (Number.isFinite(score) && (best === null || score > best.score)) {
      best = { index, score, kept: search.folds ? null : last };
    }
  }
  if (!best) throw new Error(`hyperparameter search: no trial gave a finite ${metric}`);
  const bestSpec = specs[best.index]!;
  hooks.onLog?.(
    `best trial ${best.index + 1}/${specs.length} ${describe(assignments[best.index]!)}: ${metric} ${best.score.toFixed(4)}`,
  );
  const record: SearchRecord = {
    method: search.method,
    metric,
    folds: search.folds ?? null,
    trials,
    best: best.index,
    bestScore: best.score,
    bestSpec,
  };
  if (best.kept) return { ...best.kept, record };
  hooks.signal?.throwIfAborted();
  const model = options.createModel(bestSpec, data);
  const final = runHooks(hooks, units - 1, units, 'final', best.index + 1);
  const metrics = await model.fit(data, bestSpec, {
    ...final,
    ...(hooks.resumeFrom ? { resumeFrom: hooks.resumeFrom } : {}),
    ...(hooks.onCheckpoint ? { onCheckpoint: hooks.onCheckpoint } : {}),
  });
  return { model, metrics, record };
}

import {
  defaultJobSpecSchema,
  isAliasName,
  type JobPhase,
  type JobSpec,
  type Metrics,
} from '@ocellus/contracts';
import { datasetStoreRoot } from '@ocellus/datasets';
import type { Manifest, Registry } from '@ocellus/registry';
import { artifactRecords } from '../artifact.js';
import type { DataOptions } from '../data/dataset-source.js';
import { prepareData } from '../data/datasets.js';
import { familyOf } from '../families.js';
import { hyperparameterSearch, type SearchRecord } from '../search/run-search.js';
import type { JobSpecSchema } from '../search/trial-spec.js';
import { loadTransferSource } from '../transfer/source.js';
import type { FitHooks, TrainingData } from '../types.js';
import { dataSpecOf, loadEnsemble } from './ensemble-members.js';
import { evaluateModel } from './evaluators.js';
import { publishedBy } from './published-by.js';

export interface JobContext extends FitHooks {
  /** Where the new version is published, and where `transferFrom` is loaded from. */
  registry: Registry;
  /** Makes publishing idempotent: a retried job returns the version it already published. */
  jobId: string | null;
  onPhase?: (phase: JobPhase) => void;
  /** The schema the spec was validated with (its epoch cap); search trials are checked by it too. */
  schema?: JobSpecSchema;
  /** Library-only data options (e.g. a class subset) that the job spec does not carry. */
  data?: DataOptions;
}

export interface JobOutcome {
  manifest: Manifest;
  metrics: Metrics;
}

/**
 * The whole training pipeline shared by the trainer, the CLI and `models:build`, the same for every task:
 * data from the dataset table, fit (or a hyperparameter search, and from a transfer source when asked; a
 * `captioner-ensemble` is made of its published members and only scored on the validation images),
 * the task's evaluator on the held-out test split (never seen before this point), publish with the
 * task's metrics, optional promote. A job that already published (its
 * retry after a crash while publishing) returns that version without training again.
 */
export async function runTrainingJob(spec: JobSpec, context: JobContext): Promise<JobOutcome> {
  // Checked before anything trains or publishes, for callers that skipped the schema.
  if (spec.promote !== undefined && !isAliasName(spec.promote)) {
    throw new RangeError(`promote: '${String(spec.promote).slice(0, 64)}' is not an alias name`);
  }
  const published = context.jobId
    ? await publishedBy(context.registry, spec.model, context.jobId)
    : undefined;
  if (published) {
    context.onLog?.(`job ${context.jobId} already published ${spec.model} version ${published.version}`);
    if (spec.promote) await context.registry.setAlias(spec.model, spec.promote, published.version);
    return { manifest: published, metrics: published.metrics };
  }
  const family = familyOf(spec.architecture.type);
  context.onPhase?.('PREPARING_DATA');
  const datasetsRoot = datasetStoreRoot(context.registry.root);
  const { data, test } = prepareData(dataSpecOf(spec), { datasetsRoot, ...context.data });
  context.onLog?.(
    `data: ${data.train.length} train, ${data.validation.length} validation, ${test.length} test`,
  );
  const source = spec.transferFrom ? await loadTransferSource(spec, context.registry, context.onLog) : null;
  const ensemble = await loadEnsemble(spec, context.registry, context.onLog);
  const createModel = source
    ? source.createModel
    : ensemble
      ? () => ensemble
      : (s: JobSpec, d: TrainingData) => family.create(s, d);
  context.onPhase?.('TRAINING');
  const started = Date.now();
  let search: SearchRecord | null = null;
  let trained: { model: ReturnType<typeof createModel>; metrics: Metrics };
  if (spec.search) {
    const schema = context.schema ?? defaultJobSpecSchema;
    const outcome = await hyperparameterSearch(spec, data, context, { schema, createModel });
    search = outcome.record;
    trained = outcome;
  } else {
    const model = createModel(spec, data);
    trained = { model, metrics: await model.fit(data, spec, context) };
  }
  const { model } = trained;
  const trainSeconds = (Date.now() - started) / 1000;
  context.onPhase?.('EVALUATING');
  const evaluation = evaluateModel(model, data, test);
  context.onLog?.(evaluation.summary);
  context.onPhase?.('PUBLISHING');
  const artifact = model.toArtifact();
  const metrics: Metrics = {
    ...trained.metrics,
    ...(search ? { searchBestScore: search.bestScore } : {}),
    ...evaluation.metrics,
    trainSeconds,
  };
  const manifest = await context.registry.publish(spec.model, {
    task: model.task,
    architecture: artifact.architecture,
    inputSpec: artifact.inputSpec,
    preprocessing: artifact.preprocessing,
    labels: artifact.labels,
    metrics,
    tensors: artifactRecords(artifact),
    trainingJobId: context.jobId,
    extra: {
      ...artifact.extra,
      spec,
      ...(search ? { search } : {}),
      ...(source ? { transferFrom: source.record(artifact.labels) } : {}),
      testExamples: evaluation.examples,
      ...evaluation.details,
    },
  });
  if (spec.promote) await context.registry.setAlias(spec.model, spec.promote, manifest.version);
  return { manifest, metrics };
}

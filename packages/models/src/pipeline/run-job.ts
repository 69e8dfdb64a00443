import type { JobPhase, JobSpec, Metrics } from '@ocellus/contracts';
import type { Manifest, Registry } from '@ocellus/registry';
import { toRecords } from '../artifact.js';
import { prepareData } from '../data/training-data.js';
import { familyOf } from '../families.js';
import type { FitHooks } from '../types.js';
import { evaluateClassifier } from './evaluate.js';

export interface JobContext extends FitHooks {
  registry: Registry;
  /** Makes publishing idempotent: a retried job returns the version it already published. */
  jobId: string | null;
  onPhase?: (phase: JobPhase) => void;
}

export interface JobOutcome {
  manifest: Manifest;
  metrics: Metrics;
}

/**
 * The whole training pipeline shared by the trainer, the CLI and `models:build`: data, fit,
 * evaluation on the held-out test split (never seen before this point), publish, optional promote.
 */
export async function runTrainingJob(spec: JobSpec, context: JobContext): Promise<JobOutcome> {
  const family = familyOf(spec.architecture.type);
  context.onPhase?.('PREPARING_DATA');
  const { data, test } = prepareData(spec);
  context.onLog?.(
    `data: ${data.train.length} train, ${data.validation.length} validation, ${test.length} test`,
  );
  context.onPhase?.('TRAINING');
  const model = family.create(spec, data);
  const started = Date.now();
  const fitMetrics = await model.fit(data, spec, context);
  const trainSeconds = (Date.now() - started) / 1000;
  context.onPhase?.('EVALUATING');
  const evaluation = evaluateClassifier(model, data.set, test);
  context.onLog?.(
    `test accuracy ${(100 * evaluation.accuracy).toFixed(2)}% on ${evaluation.examples} digits`,
  );
  context.onPhase?.('PUBLISHING');
  const artifact = model.toArtifact();
  const metrics: Metrics = { ...fitMetrics, testAccuracy: evaluation.accuracy, trainSeconds };
  const manifest = await context.registry.publish(spec.model, {
    task: model.task,
    architecture: artifact.architecture,
    inputSpec: artifact.inputSpec,
    preprocessing: artifact.preprocessing,
    labels: artifact.labels,
    metrics,
    tensors: toRecords(artifact.tensors),
    trainingJobId: context.jobId,
    extra: {
      ...artifact.extra,
      spec,
      testExamples: evaluation.examples,
      perClassAccuracy: evaluation.perClassAccuracy,
      confusionMatrix: evaluation.confusion,
    },
  });
  if (spec.promote) await context.registry.setAlias(spec.model, spec.promote, manifest.version);
  return { manifest, metrics };
}

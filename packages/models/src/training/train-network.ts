import type { JobSpec, Metrics } from '@ocellus/contracts';
import type { Module } from '@ocellus/nn/module';
import {
  type Batch,
  decodeCheckpoint,
  encodeCheckpoint,
  type FitResult,
  fit,
  type IndexedDataset,
  type LossTerms,
  lossMetric,
  type Monitor,
} from '@ocellus/nn/train';
import type { Rng, Tensor } from '@ocellus/tensor';
import { lrSchedule, makeOptimizer } from '../classify/optimizer.js';
import type { FitHooks } from '../types.js';

/** What differs between families: the data, the loss terms, the metrics and what "best" means. */
export interface NetworkTraining<T, O> {
  train: IndexedDataset<T>;
  validation: IndexedDataset<T>;
  loss: (output: O, batch: Batch<T>) => LossTerms;
  /** Required when the output is not the tensor `network.forward(batch.inputs)`. */
  forward?: (network: Module, batch: Batch<T>, rng: Rng) => O;
  metrics?: (output: O, batch: Batch<T>) => Record<string, number>;
  monitor: Monitor;
  /** The figure the epoch log line shows beside the loss, e.g. `val_accuracy`. */
  logMetric: string;
  /** Called after each epoch's validation, before the next epoch draws its batches (e.g. hard-negative mining). */
  onEpoch?: (epoch: number) => void;
  /** Images per validation batch (fit's 256 unless given). */
  validationBatchSize?: number;
}

/** A step's named loss terms as the metrics they are logged under. */
const namedLosses = (losses: Record<string, number> | undefined) =>
  Object.fromEntries(Object.entries(losses ?? {}).map(([name, v]) => [lossMetric(name), v]));

/**
 * `fit` as a job runs it: the spec's optimiser, schedule, clipping and early stopping, the best epoch
 * restored, progress and epoch log lines, checkpoints each epoch, resume and cancellation from `hooks`.
 */
export async function trainNetwork<T, O = Tensor>(
  network: Module,
  training: NetworkTraining<T, O>,
  spec: JobSpec,
  hooks: FitHooks,
  rng: Rng,
): Promise<FitResult> {
  const started = Date.now();
  const schedule = lrSchedule(spec);
  const { train, logMetric } = training;
  return fit<T, O>(network, train, {
    loss: training.loss,
    optimizer: (params) => makeOptimizer(spec.optimizer, params),
    epochs: spec.schedule.epochs,
    batchSize: Math.min(spec.schedule.batchSize, train.size),
    seed: spec.seed,
    rng,
    validation: training.validation,
    ...(training.validationBatchSize ? { validationBatchSize: training.validationBatchSize } : {}),
    ...(training.metrics ? { metrics: training.metrics } : {}),
    ...(training.forward ? { forward: training.forward } : {}),
    monitor: training.monitor,
    restoreBest: true,
    ...(spec.schedule.earlyStopping ? { patience: spec.schedule.earlyStopping.patience } : {}),
    ...(schedule ? { schedule } : {}),
    ...(spec.schedule.clipNorm ? { clipGradNorm: spec.schedule.clipNorm } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.resumeFrom ? { resumeFrom: decodeCheckpoint(hooks.resumeFrom) } : {}),
    onCheckpoint: async (checkpoint) => {
      await hooks.onCheckpoint?.(encodeCheckpoint(checkpoint), checkpoint.epoch);
    },
    onProgress: (p) => {
      const done = (p.epoch - 1) * p.steps + p.step;
      const percent = (100 * done) / Math.max(p.epochs * p.steps, 1);
      hooks.onProgress?.({
        epoch: p.epoch,
        epochs: p.epochs,
        step: p.step,
        steps: p.steps,
        percent: Math.min(100, percent),
        metrics: {
          loss: p.loss,
          ...namedLosses(p.losses),
          lr: p.lr,
          examplesPerSecond: p.examplesPerSecond,
          ...p.metrics,
        },
      });
      if (p.phase === 'epoch') {
        training.onEpoch?.(p.epoch);
        const figure = p.metrics?.[logMetric] ?? Number.NaN;
        const seconds = (Date.now() - started) / 1000;
        hooks.onLog?.(
          `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)} ${logMetric} ${figure.toFixed(4)} (${seconds.toFixed(1)} s)`,
        );
      }
    },
  });
}

/**
 * The job's fit metrics: the best epoch's figures (else the last epoch's) under the names the manifest
 * records them by, e.g. `{ valAccuracy: 'val_accuracy' }`, with `loss`, `valLoss` and the epochs run.
 */
export function fitMetrics(result: FitResult, recorded: Record<string, string> = {}): Metrics {
  const best = result.best?.metrics ?? result.history.at(-1)?.metrics ?? {};
  const names = { loss: 'loss', valLoss: 'val_loss', ...recorded };
  return {
    ...Object.fromEntries(Object.entries(names).map(([name, key]) => [name, best[key] ?? Number.NaN])),
    epochs: result.history.length,
  };
}

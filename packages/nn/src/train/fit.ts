import { Rng, type Tensor } from '@ocellus/tensor';
import type { Module, TensorModule } from '../module.js';
import { clipGradNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import {
  type BestRecord,
  type Checkpoint,
  cloneState,
  type EpochLoss,
  type EpochRecord,
} from './checkpoint.js';
import type { Batch, IndexedDataset } from './dataset.js';
import { NonFiniteLossError, TrainingAbortedError } from './errors.js';
import { evaluate } from './evaluate.js';
import { lossMetric, sumLossTerms } from './loss-terms.js';
import { bestOf, improves } from './monitor.js';
import type { FitOptions, FitResult, ForwardFn, Monitor } from './options.js';
import { batchIndices, epochOrder, stepsPerEpoch } from './order.js';

/** Where a run stands; exactly what a checkpoint stores besides model, optimiser and rng. */
interface RunState {
  epoch: number;
  step: number;
  history: EpochRecord[];
  best: BestRecord | null;
  bestModel: Record<string, Tensor> | null;
  staleEpochs: number;
  epochLoss: EpochLoss;
}

function defaultForward<T, O>(model: Module): ForwardFn<T, O> {
  if (typeof (model as Module & { forward?: unknown }).forward !== 'function') {
    throw new Error('fit: the model has no forward(x) method; pass options.forward');
  }
  // Without options.forward the output is the module's tensor (O defaults to Tensor).
  return (m, batch) => (m as TensorModule).forward(batch.inputs) as O;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`fit: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** Lets timers and abort events run between steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function hasNonFinite(t: Tensor): boolean {
  for (const v of t.values()) if (!Number.isFinite(v)) return true;
  return false;
}

/**
 * Trains `model` on `data` by minibatch gradient descent (batch size N = full batch, 1 =
 * stochastic), one seeded shuffle per epoch; validation, best-epoch tracking, early stopping,
 * schedules, clipping, progress, abort and exact resumption from checkpoints.
 */
export async function fit<T = Int32Array, O = Tensor>(
  model: Module,
  data: IndexedDataset<T>,
  options: FitOptions<T, O>,
): Promise<FitResult> {
  const resume = options.resumeFrom;
  if (data.size < 1) throw new Error('fit: the dataset is empty');
  const epochs = positiveInteger('epochs', options.epochs);
  const batchSize = Math.min(positiveInteger('batchSize', options.batchSize ?? data.size), data.size);
  const seed = options.seed ?? resume?.seed ?? 0;
  if (resume && resume.seed !== seed)
    throw new Error(`fit: the checkpoint was written with seed ${resume.seed}, not ${seed}`);
  if (resume && resume.batchSize !== batchSize) {
    throw new Error(`fit: the checkpoint was written with batch size ${resume.batchSize}, not ${batchSize}`);
  }
  const steps = stepsPerEpoch(data.size, batchSize, options.dropLast ?? false);
  if (steps < 1)
    throw new Error('fit: no full batch to run (dropLast with batchSize above the dataset size)');
  const rng = options.rng ?? new Rng(seed);
  const optimizer: Optimizer =
    typeof options.optimizer === 'function' ? options.optimizer(model.parameters()) : options.optimizer;
  const forward = options.forward ?? defaultForward<T, O>(model);
  const monitor: Monitor = options.monitor ?? {
    metric: options.validation ? 'val_loss' : 'loss',
    mode: 'min',
  };
  const minDelta = options.minDelta ?? 0;
  const patience = options.patience ?? Number.POSITIVE_INFINITY;

  const run: RunState = resume
    ? {
        epoch: resume.epoch,
        step: resume.step,
        history: resume.history.map((r) => ({ epoch: r.epoch, metrics: { ...r.metrics } })),
        best: resume.best,
        bestModel: resume.bestModel ? cloneState(resume.bestModel) : null,
        staleEpochs: resume.staleEpochs,
        epochLoss: { ...resume.epochLoss },
      }
    : {
        epoch: 0,
        step: 0,
        history: [],
        best: null,
        bestModel: null,
        staleEpochs: 0,
        epochLoss: { sum: 0, examples: 0 },
      };
  if (resume) {
    model.loadStateDict(resume.model);
    optimizer.loadStateDict(resume.optimizer);
    rng.setState(resume.rng);
  }

  const checkpointNow = (): Checkpoint => ({
    format: 1,
    epoch: run.epoch,
    step: run.step,
    seed,
    batchSize,
    model: cloneState(model.stateDict()),
    optimizer: optimizer.stateDict(),
    rng: rng.getState(),
    history: run.history.map((r) => ({ epoch: r.epoch, metrics: { ...r.metrics } })),
    best: run.best,
    bestModel: run.bestModel,
    staleEpochs: run.staleEpochs,
    epochLoss: { ...run.epochLoss },
  });
  let lastEpochCheckpoint: Checkpoint | null = resume && resume.step === 0 ? resume : null;
  let stopReason: FitResult['stopReason'] = run.staleEpochs >= patience ? 'early-stopping' : 'completed';

  model.train();
  while (run.epoch < epochs && stopReason === 'completed') {
    if (options.schedule) optimizer.lr = options.schedule(run.epoch);
    const order = epochOrder(seed, run.epoch, data.size, options.shuffle ?? true);
    const started = performance.now();
    let seen = 0;
    while (run.step < steps) {
      await yieldToEventLoop();
      if (options.signal?.aborted) throw new TrainingAbortedError(checkpointNow(), options.signal.reason);
      const batch = data.batch(batchIndices(order, run.step, batchSize), rng);
      const { loss, parts } = trainStep(
        model,
        optimizer,
        forward,
        options,
        batch,
        rng,
        run,
        lastEpochCheckpoint,
      );
      run.step++;
      run.epochLoss.sum += loss * batch.size;
      run.epochLoss.examples += batch.size;
      for (const [name, v] of Object.entries(parts)) {
        run.epochLoss.parts = {
          ...run.epochLoss.parts,
          [name]: (run.epochLoss.parts?.[name] ?? 0) + v * batch.size,
        };
      }
      seen += batch.size;
      options.onProgress?.({
        phase: 'step',
        epoch: run.epoch + 1,
        epochs,
        step: run.step,
        steps,
        loss,
        ...(Object.keys(parts).length > 0 ? { losses: parts } : {}),
        examplesPerSecond: seen / Math.max((performance.now() - started) / 1000, 1e-9),
        lr: optimizer.lr,
      });
    }
    const examplesPerSecond = seen / Math.max((performance.now() - started) / 1000, 1e-9);
    const record = finishEpoch(model, forward, options, run, seed);
    if (improves(monitor, record, run.best, minDelta)) {
      run.best = bestOf(monitor, record);
      run.bestModel = cloneState(model.stateDict());
      run.staleEpochs = 0;
    } else {
      run.staleEpochs++;
    }
    lastEpochCheckpoint = checkpointNow();
    await options.onCheckpoint?.(lastEpochCheckpoint);
    options.onProgress?.({
      phase: 'epoch',
      epoch: record.epoch,
      epochs,
      step: steps,
      steps,
      loss: record.metrics['loss']!,
      metrics: record.metrics,
      examplesPerSecond,
      lr: optimizer.lr,
    });
    if (run.staleEpochs >= patience) stopReason = 'early-stopping';
  }

  const finalState = cloneState(model.stateDict());
  if (options.restoreBest && run.bestModel) model.loadStateDict(run.bestModel);
  return {
    history: run.history,
    best: run.best,
    finalState,
    bestState: run.bestModel,
    stopReason,
    checkpoint: lastEpochCheckpoint ?? checkpointNow(),
  };
}

/** Forward, loss, NaN/Inf check, backward, optional clipping and one optimiser step; returns the loss and its terms. */
function trainStep<T, O>(
  model: Module,
  optimizer: Optimizer,
  forward: ForwardFn<T, O>,
  options: FitOptions<T, O>,
  batch: Batch<T>,
  rng: Rng,
  run: RunState,
  lastCheckpoint: Checkpoint | null,
): { loss: number; parts: Record<string, number> } {
  model.zeroGrad();
  const { total: lossTensor, parts } = sumLossTerms(options.loss(forward(model, batch, rng), batch));
  if (lossTensor.size !== 1)
    throw new Error(`fit: the loss must be a scalar, got [${lossTensor.shape.join(', ')}]`);
  const loss = lossTensor.item();
  if (!Number.isFinite(loss)) {
    const details = {
      loss,
      epoch: run.epoch + 1,
      step: run.step + 1,
      lr: optimizer.lr,
      badInputs: hasNonFinite(batch.inputs),
    };
    throw new NonFiniteLossError(details, lastCheckpoint);
  }
  lossTensor.backward();
  if (options.clipGradNorm !== undefined) clipGradNorm(optimizer.params, options.clipGradNorm);
  optimizer.step();
  return { loss, parts };
}

/** Closes an epoch: its mean training loss, validation metrics, and the history entry. */
function finishEpoch<T, O>(
  model: Module,
  forward: ForwardFn<T, O>,
  options: FitOptions<T, O>,
  run: RunState,
  seed: number,
): EpochRecord {
  const metrics: Record<string, number> = { loss: run.epochLoss.sum / run.epochLoss.examples };
  for (const [name, sum] of Object.entries(run.epochLoss.parts ?? {})) {
    metrics[lossMetric(name)] = sum / run.epochLoss.examples;
  }
  if (options.validation) {
    const values = evaluate(model, options.validation, {
      forward,
      loss: options.loss,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      batchSize: options.validationBatchSize ?? 256,
      seed,
    });
    for (const [name, v] of Object.entries(values)) metrics[`val_${name}`] = v;
  }
  const record = { epoch: run.epoch + 1, metrics };
  run.history.push(record);
  run.epoch++;
  run.step = 0;
  run.epochLoss = { sum: 0, examples: 0 };
  return record;
}

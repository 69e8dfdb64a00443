import { Linear } from '@ocellus/nn/layers';
import { mseLoss } from '@ocellus/nn/losses';
import { exponentialLr, SGD } from '@ocellus/nn/optim';
import {
  type Batch,
  type Checkpoint,
  epochOrder,
  evaluate,
  type FitProgress,
  fit,
  type IndexedDataset,
  NonFiniteLossError,
  TrainingAbortedError,
} from '@ocellus/nn/train';
import { isGradEnabled, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { regression } from './train-helpers.js';

const mse = (output: Tensor, batch: Batch<Tensor>) => mseLoss(output, batch.targets);
const values = (state: Record<string, Tensor>) =>
  Object.fromEntries(Object.entries(state).map(([k, t]) => [k, Array.from(t.values())]));

describe('fit: gradient descent modes', () => {
  it.each([
    ['full batch', 64, 0.1, 1],
    ['minibatch', 8, 0.05, 8],
    ['stochastic', 1, 0.01, 64],
  ])('%s (batch size %i) reduces a convex loss', async (_, batchSize, lr, steps) => {
    const data = regression(64, 5);
    const model = new Linear(5, 1, { seed: 1 });
    const initial = evaluate(model, data, { forward: (m, b) => (m as Linear).forward(b.inputs), loss: mse });
    const seenSteps = new Set<number>();
    const result = await fit(model, data, {
      loss: mse,
      optimizer: (params) => new SGD(params, { lr }),
      epochs: 25,
      batchSize,
      onProgress: (p) => seenSteps.add(p.steps),
    });
    expect([...seenSteps]).toEqual([steps]);
    const final = evaluate(model, data, { forward: (m, b) => (m as Linear).forward(b.inputs), loss: mse });
    // The noise floor is 0.1² = 0.01.
    expect(final['loss']).toBeLessThan(Math.min(0.03, initial['loss']! / 10));
    expect(result.history).toHaveLength(25);
    expect(result.history[24]!.metrics['loss']).toBeLessThan(result.history[0]!.metrics['loss']!);
  });
});

describe('fit: epochs and shuffling', () => {
  /** Wraps a dataset and records the indices of every batch. */
  const recording = <T>(data: IndexedDataset<T>) => {
    const seen: number[][] = [];
    const wrapped: IndexedDataset<T> = {
      size: data.size,
      batch: (indices, rng) => {
        seen.push([...indices]);
        return data.batch(indices, rng);
      },
    };
    return { seen, data: wrapped };
  };
  const run = async (seed: number, shuffle = true) => {
    const rec = recording(regression(12, 2));
    await fit(new Linear(2, 1), rec.data, {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 0.01, momentum: 0.9 }),
      epochs: 3,
      batchSize: 5,
      seed,
      shuffle,
    });
    return rec.seen;
  };

  it('visits every example once per epoch, in an order fixed by the seed and the epoch', async () => {
    const seen = await run(7);
    expect(seen.map((b) => b.length)).toEqual([5, 5, 2, 5, 5, 2, 5, 5, 2]);
    const epochs = [0, 1, 2].map((e) => seen.slice(3 * e, 3 * e + 3).flat());
    for (const [e, order] of epochs.entries()) {
      expect([...order].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
      expect(order).toEqual([...epochOrder(7, e, 12, true)]);
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(await run(7)).toEqual(seen);
    expect(await run(8)).not.toEqual(seen);
    expect((await run(7, false)).slice(0, 3).flat()).toEqual([...Array(12).keys()]);
  });
});

describe('fit: validation, best epoch and early stopping', () => {
  it('evaluates the validation data each epoch in eval mode without gradients', async () => {
    const train = regression(32, 3, 1);
    const validation = regression(20, 3, 2);
    const model = new Linear(3, 1, { seed: 2 });
    const modes: string[] = [];
    const result = await fit(model, train, {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 0.05, momentum: 0.9 }),
      epochs: 3,
      batchSize: 8,
      validation,
      validationBatchSize: 6,
      forward: (m, b) => {
        modes.push(`${m.training ? 'train' : 'eval'}/${isGradEnabled() ? 'grad' : 'nograd'}`);
        return (m as Linear).forward(b.inputs);
      },
      metrics: (out, b) => {
        const [o, t] = [out.values(), b.targets.values()];
        let bias = 0;
        for (let i = 0; i < b.size; i++) bias += o[i]! - t[i]!;
        return { bias: bias / b.size };
      },
    });
    // 4 training steps then 4 validation batches (20 in sixes) per epoch.
    expect(modes.slice(0, 8)).toEqual([...Array(4).fill('train/grad'), ...Array(4).fill('eval/nograd')]);
    expect(model.training).toBe(true);
    expect(Object.keys(result.history[0]!.metrics).sort()).toEqual(['loss', 'val_bias', 'val_loss']);
    const check = evaluate(model, validation, {
      forward: (m, b) => (m as Linear).forward(b.inputs),
      loss: mse,
    });
    expect(result.history[2]!.metrics['val_loss']! / check['loss']!).toBeCloseTo(1, 6);
    expect(result.best?.metric).toBe('val_loss');
  });

  it('keeps the best epoch by the monitored metric and stops after `patience` stale epochs', async () => {
    const scores = [0.1, 0.5, 0.4, 0.45, 0.3, 0.9, 0.95];
    let call = 0;
    const saved: Checkpoint[] = [];
    const model = new Linear(3, 1, { seed: 2 });
    const result = await fit(model, regression(16, 3), {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 0.05, momentum: 0.9 }),
      epochs: 7,
      validation: regression(4, 3, 9),
      metrics: () => ({ score: scores[call++]! }),
      monitor: { metric: 'val_score', mode: 'max' },
      patience: 3,
      restoreBest: true,
      onCheckpoint: (c) => {
        saved.push(c);
      },
    });
    expect(result.stopReason).toBe('early-stopping');
    expect(result.history).toHaveLength(5);
    expect(result.best).toMatchObject({ epoch: 2, metric: 'val_score', value: 0.5 });
    expect(values(result.bestState!)).toEqual(values(saved[1]!.model));
    expect(values(result.finalState)).toEqual(values(saved[4]!.model));
    expect(values(result.finalState)).not.toEqual(values(result.bestState!));
    expect(values(model.stateDict())).toEqual(values(saved[1]!.model));
    expect(saved.map((c) => c.staleEpochs)).toEqual([0, 0, 1, 2, 3]);
  });

  it('names a monitored metric that the epoch does not produce', async () => {
    await expect(
      fit(new Linear(2, 1), regression(4, 2), {
        loss: mse,
        optimizer: (p) => new SGD(p, { lr: 0.01, momentum: 0.9 }),
        epochs: 1,
        monitor: { metric: 'val_accuracy', mode: 'max' },
      }),
    ).rejects.toThrow(/"val_accuracy" is not among the epoch's metrics \(loss\)/);
  });
});

describe('fit: schedules, clipping and progress', () => {
  it('sets the learning rate of each epoch from the schedule', async () => {
    const lrs = new Map<number, Set<number>>();
    const model = new Linear(2, 1);
    await fit(model, regression(8, 2), {
      loss: mse,
      optimizer: new SGD(model.parameters(), { lr: 1, momentum: 0.9 }),
      epochs: 3,
      batchSize: 4,
      schedule: exponentialLr(0.1, 0.5),
      onProgress: (p) => lrs.set(p.epoch, (lrs.get(p.epoch) ?? new Set()).add(p.lr)),
    });
    expect([...lrs].map(([e, s]) => [e, [...s]])).toEqual([
      [1, [0.1]],
      [2, [0.05]],
      [3, [0.025]],
    ]);
  });

  it('clips the global gradient norm before each step', async () => {
    /** The global gradient norm that each optimiser step sees. */
    const norms = async (clip?: number) => {
      const seen: number[] = [];
      const optimizer = (p: Tensor[]) => {
        const sgd = new SGD(p, { lr: 0.01, momentum: 0.9 });
        const step = sgd.step.bind(sgd);
        sgd.step = () => {
          seen.push(Math.hypot(...p.flatMap((t) => Array.from(t.grad?.values() ?? []))));
          step();
        };
        return sgd;
      };
      await fit(new Linear(4, 1, { seed: 3 }), regression(16, 4), {
        loss: mse,
        optimizer,
        epochs: 2,
        batchSize: 4,
        ...(clip === undefined ? {} : { clipGradNorm: clip }),
      });
      expect(seen).toHaveLength(8);
      return seen;
    };
    expect(Math.max(...(await norms()))).toBeGreaterThan(0.5);
    for (const n of await norms(0.5)) expect(n).toBeLessThanOrEqual(0.5 + 1e-6);
  });

  it('reports epoch, step, loss, metrics and throughput', async () => {
    const events: FitProgress[] = [];
    await fit(new Linear(2, 1), regression(10, 2), {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 0.01, momentum: 0.9 }),
      epochs: 2,
      batchSize: 4,
      onProgress: (p) => events.push(p),
    });
    expect(events.map((e) => `${e.phase}:${e.epoch}/${e.epochs}:${e.step}/${e.steps}`)).toEqual([
      'step:1/2:1/3',
      'step:1/2:2/3',
      'step:1/2:3/3',
      'epoch:1/2:3/3',
      'step:2/2:1/3',
      'step:2/2:2/3',
      'step:2/2:3/3',
      'epoch:2/2:3/3',
    ]);
    for (const e of events) {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.examplesPerSecond).toBeGreaterThan(0);
    }
    const epochEnd = events[3]!;
    const stepLosses = events.slice(0, 3).map((e) => e.loss);
    expect(epochEnd.metrics?.['loss']).toBeCloseTo(
      (4 * stepLosses[0]! + 4 * stepLosses[1]! + 2 * stepLosses[2]!) / 10,
      6,
    );
  });
});

describe('fit: abort and non-finite losses', () => {
  it('stops between steps when the signal aborts, carrying a checkpoint of that point', async () => {
    const controller = new AbortController();
    let steps = 0;
    const run = fit(new Linear(2, 1), regression(20, 2), {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 0.01, momentum: 0.9 }),
      epochs: 5,
      batchSize: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'step') steps++;
        if (p.epoch === 2 && p.step === 3) controller.abort();
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingAbortedError);
    expect((error as Error).name).toBe('AbortError');
    expect(steps).toBe(8);
    const checkpoint = (error as TrainingAbortedError).checkpoint;
    expect([checkpoint.epoch, checkpoint.step, checkpoint.history.length]).toEqual([1, 3, 1]);
  });

  it('stops promptly when aborted from a timer during a long run', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 50);
    const error = await fit(new Linear(2, 1), regression(64, 2), {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 0.001, momentum: 0.9 }),
      epochs: 100_000,
      batchSize: 1,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingAbortedError);
    expect(performance.now() - abortedAt).toBeLessThan(500);
  });

  it('stops on a NaN/Inf loss and names the learning rate as the likely cause', async () => {
    const error = await fit(new Linear(4, 1, { seed: 1 }), regression(32, 4), {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 1e6 }),
      epochs: 50,
      batchSize: 8,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/learning rate is likely too high \(lr = 1000000\)/);
    expect((error as NonFiniteLossError).details.badInputs).toBe(false);
  });

  it('blames the data when the batch inputs themselves are not finite', async () => {
    const data = regression(8, 2);
    data.x.data[3] = Number.NaN;
    const error = await fit(new Linear(2, 1), data, {
      loss: mse,
      optimizer: (p) => new SGD(p, { lr: 0.01, momentum: 0.9 }),
      epochs: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/loss is NaN at epoch 1, step 1: the batch inputs contain NaN/);
  });
});

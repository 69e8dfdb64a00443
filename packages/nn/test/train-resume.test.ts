import { Dropout, Linear, ReLU, Sequential } from '@ocellus/nn/layers';
import { mseLoss } from '@ocellus/nn/losses';
import { Adam, type Optimizer, SGD } from '@ocellus/nn/optim';
import {
  type Batch,
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  type FitOptions,
  fit,
  TrainingAbortedError,
} from '@ocellus/nn/train';
import { Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { regression } from './train-helpers.js';

const data = regression(40, 5, 11);
const validation = regression(12, 5, 12);
const EPOCHS = 4;

type OptimizerFactory = (parameters: Tensor[]) => Optimizer;
const sgdMomentum: OptimizerFactory = (p) => new SGD(p, { lr: 0.02, momentum: 0.9 });
const adam: OptimizerFactory = (p) => new Adam(p, { lr: 0.01 });

/** A fresh run: weights from `initSeed`, dropout drawing from the run's generator. */
function setup(initSeed: number, optimizer = sgdMomentum) {
  const init = new Rng(initSeed);
  const rng = new Rng(1000 + initSeed);
  const model = new Sequential(
    new Linear(5, 16, { rng: init }),
    new ReLU(),
    new Dropout(0.3, { rng }),
    new Linear(16, 1, { rng: init }),
  );
  const options: FitOptions<Tensor> = {
    loss: (out: Tensor, b: Batch<Tensor>) => mseLoss(out, b.targets),
    optimizer,
    epochs: EPOCHS,
    batchSize: 8,
    seed: 5,
    rng,
    validation,
    schedule: (epoch) => 0.02 / (1 + epoch),
  };
  return { model, options };
}

const weights = (model: Sequential) => model.parameters().map((p) => Array.from(p.values()));
const viaBytes = (c: Checkpoint) => decodeCheckpoint(encodeCheckpoint(c));

async function uninterrupted(optimizer = sgdMomentum) {
  const { model, options } = setup(1, optimizer);
  const result = await fit(model, data, options);
  return { model, result };
}

describe('resuming a run from a checkpoint', () => {
  it.each([
    ['SGD + momentum', sgdMomentum],
    ['Adam', adam],
  ])(
    'with %s, gives the same final weights bit for bit as the uninterrupted run from the epoch-k checkpoint',
    async (_, optimizer) => {
      const reference = await uninterrupted(optimizer);
      const first = setup(1, optimizer);
      let atEpoch2: Uint8Array | null = null;
      await fit(first.model, data, {
        ...first.options,
        epochs: 2,
        onCheckpoint: (c) => {
          if (c.epoch === 2) atEpoch2 = encodeCheckpoint(c);
        },
      });
      // A different process: other initial weights and generator state, restored from the bytes.
      const second = setup(2, optimizer);
      expect(weights(second.model)).not.toEqual(weights(reference.model));
      const resumed = await fit(second.model, data, {
        ...second.options,
        resumeFrom: decodeCheckpoint(atEpoch2!),
      });
      expect(weights(second.model)).toEqual(weights(reference.model));
      expect(resumed.history).toEqual(reference.result.history);
      expect(resumed.best).toEqual(reference.result.best);
    },
  );

  it('continues an aborted run from the middle of an epoch to the same weights', async () => {
    const reference = await uninterrupted();
    const first = setup(1);
    const controller = new AbortController();
    const error = await fit(first.model, data, {
      ...first.options,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'step' && p.epoch === 3 && p.step === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingAbortedError);
    const checkpoint = viaBytes((error as TrainingAbortedError).checkpoint);
    expect([checkpoint.epoch, checkpoint.step]).toEqual([2, 2]);
    const second = setup(3);
    await fit(second.model, data, { ...second.options, resumeFrom: checkpoint });
    expect(weights(second.model)).toEqual(weights(reference.model));
  });

  it('depends on the restored generator state: dropout masks drawn from another state diverge', async () => {
    const reference = await uninterrupted();
    const first = setup(1);
    let checkpoint: Checkpoint | null = null;
    await fit(first.model, data, { ...first.options, epochs: 2, onCheckpoint: (c) => void (checkpoint = c) });
    const other = new Rng(77).getState();
    const second = setup(2);
    await fit(second.model, data, { ...second.options, resumeFrom: { ...checkpoint!, rng: other } });
    expect(weights(second.model)).not.toEqual(weights(reference.model));
  });

  it('trains on for more epochs from the final checkpoint', async () => {
    const { model, options } = setup(1);
    const short = await fit(model, data, { ...options, epochs: 2 });
    const longer = await fit(model, data, { ...options, epochs: 3, resumeFrom: viaBytes(short.checkpoint) });
    expect(longer.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
  });

  it('refuses a checkpoint written with another seed or batch size', async () => {
    const { model, options } = setup(1);
    const done = await fit(model, data, { ...options, epochs: 1 });
    await expect(fit(model, data, { ...options, seed: 6, resumeFrom: done.checkpoint })).rejects.toThrow(
      /written with seed 5, not 6/,
    );
    await expect(fit(model, data, { ...options, batchSize: 4, resumeFrom: done.checkpoint })).rejects.toThrow(
      /written with batch size 8, not 4/,
    );
  });
});

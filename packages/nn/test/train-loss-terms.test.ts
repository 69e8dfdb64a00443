import { Linear } from '@ocellus/nn/layers';
import { l2Penalty, mseLoss } from '@ocellus/nn/losses';
import { SGD } from '@ocellus/nn/optim';
import { type Batch, decodeCheckpoint, encodeCheckpoint, type FitProgress, fit } from '@ocellus/nn/train';
import { add, mul, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { regression } from './train-helpers.js';

const values = (state: Record<string, Tensor>) =>
  Object.fromEntries(Object.entries(state).map(([k, t]) => [k, Array.from(t.values())]));

/** Mean squared error plus a weighted L2 penalty: as one scalar, or as the named terms `data` and `penalty`. */
function losses(model: Linear) {
  const data = (out: Tensor, batch: Batch<Tensor>) => mseLoss(out, batch.targets);
  const penalty = () => mul(l2Penalty(model), 0.05);
  return {
    scalar: (out: Tensor, batch: Batch<Tensor>) => add(data(out, batch), penalty()),
    named: (out: Tensor, batch: Batch<Tensor>) => ({ data: data(out, batch), penalty: penalty() }),
  };
}

describe('fit: named loss terms', () => {
  const train = async (kind: 'scalar' | 'named', progress: FitProgress[] = []) => {
    const model = new Linear(4, 1, { seed: 5 });
    const result = await fit(model, regression(48, 4), {
      loss: losses(model)[kind],
      optimizer: (params) => new SGD(params, { lr: 0.05 }),
      epochs: 3,
      batchSize: 16,
      validation: regression(16, 4, 9),
      onProgress: (p) => progress.push(p),
    });
    return { model, result };
  };

  it('minimises their sum: the same weights, bit for bit, as the summed scalar', async () => {
    const scalar = await train('scalar');
    const named = await train('named');
    expect(values(named.model.stateDict())).toEqual(values(scalar.model.stateDict()));
    expect(named.result.history.map((r) => r.metrics.loss)).toEqual(
      scalar.result.history.map((r) => r.metrics.loss),
    );
  });

  it('logs each term per step, and its epoch mean in history and validation, summing to the loss', async () => {
    const progress: FitProgress[] = [];
    const { result } = await train('named', progress);
    const steps = progress.filter((p) => p.phase === 'step');
    expect(steps).toHaveLength(9);
    for (const p of steps) {
      expect(Object.keys(p.losses ?? {})).toEqual(['data', 'penalty']);
      expect(p.losses!.data! + p.losses!.penalty!).toBeCloseTo(p.loss, 5);
    }
    for (const { metrics } of result.history) {
      expect(metrics.loss_data! + metrics.loss_penalty!).toBeCloseTo(metrics.loss!, 5);
      expect(metrics.val_loss_data! + metrics.val_loss_penalty!).toBeCloseTo(metrics.val_loss!, 5);
      expect(metrics.loss_penalty).toBeGreaterThan(0);
    }
    const firstEpoch = steps.slice(0, 3).reduce((a, p) => a + p.losses!.data!, 0) / 3;
    expect(result.history[0]!.metrics.loss_data).toBeCloseTo(firstEpoch, 5);
  });

  it('keeps the running terms in checkpoints, so a resumed epoch reports the same means', async () => {
    const model = new Linear(4, 1, { seed: 5 });
    const options = {
      loss: losses(model).named,
      optimizer: (params: Tensor[]) => new SGD(params, { lr: 0.05 }),
      epochs: 1,
      batchSize: 16,
    };
    const controller = new AbortController();
    let checkpoint: Awaited<ReturnType<typeof fit>>['checkpoint'] | undefined;
    await fit(model, regression(48, 4), {
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'step' && p.step === 2) controller.abort();
      },
    }).catch((error: { checkpoint?: typeof checkpoint }) => {
      checkpoint = error.checkpoint;
    });
    expect(checkpoint?.epochLoss.parts?.data).toBeGreaterThan(0);
    const resumed = new Linear(4, 1, { seed: 5 });
    const after = await fit(resumed, regression(48, 4), {
      ...options,
      loss: losses(resumed).named,
      resumeFrom: decodeCheckpoint(encodeCheckpoint(checkpoint!)),
    });
    const whole = await train('named');
    expect(after.history[0]!.metrics.loss_data).toBeCloseTo(whole.result.history[0]!.metrics.loss_data!, 10);
  });
});

import { defaultJobSpecSchema } from '@ocellus/contracts';
import { Linear } from '@ocellus/nn/layers';
import { softmaxCrossEntropy } from '@ocellus/nn/losses';
import { tensorDataset } from '@ocellus/nn/train';
import { Rng, randn } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { trainNetwork } from '../src/training/train-network.js';

const spec = defaultJobSpecSchema.parse({
  task: 'classify',
  model: 'batches',
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist' },
  schedule: { epochs: 1, batchSize: 4 },
});

/** The batch sizes the validation pass of a one-epoch run reads, with `validationBatchSize` when given. */
async function validationBatches(validationBatchSize?: number): Promise<number[]> {
  const rng = new Rng(1);
  const data = (n: number) =>
    tensorDataset(
      randn([n, 3], rng),
      Int32Array.from({ length: n }, (_, i) => i % 2),
    );
  const network = new Linear(3, 2, { rng });
  const seen: number[] = [];
  await trainNetwork(
    network,
    {
      train: data(8),
      validation: data(10),
      forward: (net, batch) => {
        if (!net.training) seen.push(batch.size);
        return network.forward(batch.inputs);
      },
      loss: (logits, batch) => ({ data: softmaxCrossEntropy(logits, batch.targets) }),
      monitor: { metric: 'val_loss', mode: 'min' },
      logMetric: 'val_loss',
      ...(validationBatchSize ? { validationBatchSize } : {}),
    },
    spec,
    {},
    rng,
  );
  return seen;
}

describe('trainNetwork', () => {
  it('validates in batches of validationBatchSize when a family sets it, else all at once up to 256', async () => {
    expect(await validationBatches(3)).toEqual([3, 3, 3, 1]);
    expect(await validationBatches()).toEqual([10]);
  });
});

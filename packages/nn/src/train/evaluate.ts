import { noGrad, Rng, type Tensor } from '@ocellus/tensor';
import type { Module } from '../module.js';
import type { Batch, IndexedDataset } from './dataset.js';
import { type LossTerms, lossMetric, sumLossTerms } from './loss-terms.js';
import type { ForwardFn, MetricFn } from './options.js';
import { batchIndices, epochOrder, stepsPerEpoch } from './order.js';

export interface EvaluateOptions<T, O = Tensor> {
  forward: ForwardFn<T, O>;
  loss?: (output: O, batch: Batch<T>) => LossTerms;
  metrics?: MetricFn<T, O>;
  batchSize?: number;
  /** Seed of the generator handed to `data.batch`; fixed so evaluation never draws from the run's. */
  seed?: number;
}

/**
 * Mean loss and metrics over a dataset in eval mode without gradients, averaged per example
 * (each batch weighted by its size); the model's train/eval mode is restored afterwards.
 */
export function evaluate<T, O = Tensor>(
  model: Module,
  data: IndexedDataset<T>,
  options: EvaluateOptions<T, O>,
): Record<string, number> {
  if (data.size < 1) throw new Error('evaluate: the dataset is empty');
  const batchSize = Math.min(options.batchSize ?? 256, data.size);
  const order = epochOrder(0, 0, data.size, false);
  const rng = new Rng(options.seed ?? 0);
  const sums: Record<string, number> = {};
  let examples = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let step = 0; step < stepsPerEpoch(data.size, batchSize, false); step++) {
        const batch = data.batch(batchIndices(order, step, batchSize), rng);
        const output = options.forward(model, batch, rng);
        const values: Record<string, number> = { ...options.metrics?.(output, batch) };
        if (options.loss) {
          const { total, parts } = sumLossTerms(options.loss(output, batch));
          values.loss = total.item();
          for (const [name, v] of Object.entries(parts)) values[lossMetric(name)] = v;
        }
        for (const [name, v] of Object.entries(values)) sums[name] = (sums[name] ?? 0) + v * batch.size;
        examples += batch.size;
      }
    });
  } finally {
    model.train(wasTraining);
  }
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(sums)) out[name] = s / examples;
  return out;
}

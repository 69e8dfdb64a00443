import { defaultJobSpecSchema, estimateJobBytes, type JobSpecInput } from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';

const GiB = 2 ** 30;
const estimate = (input: JobSpecInput) => estimateJobBytes(defaultJobSpecSchema.parse(input));
const classify = (architecture: JobSpecInput['architecture'], extra: Partial<JobSpecInput> = {}) =>
  estimate({ task: 'classify', model: 'm', architecture, ...extra });

describe('estimateJobBytes', () => {
  it('counts every requested example at 28x28 floats, raw and preprocessed', () => {
    const e = classify(
      { type: 'linear', loss: 'softmax' },
      { dataset: { name: 'mnist', train: 1000, validation: 100, test: 100 } },
    );
    expect(e.data).toBe(1200 * 784 * 4 * 2);
  });

  it('counts weights, gradients and optimizer slots from the architecture widths', () => {
    const linear = { type: 'linear', loss: 'svm' } as const;
    // 784 x 11 weights + bias, each with its gradient; adam keeps two moments more.
    const sgd = classify(linear, { optimizer: { type: 'sgd' } });
    const adam = classify(linear, { optimizer: { type: 'adam' } });
    expect(sgd.parameters).toBeGreaterThanOrEqual((784 * 11 + 11) * 2 * 4);
    expect(adam.parameters / sgd.parameters).toBe(2);
  });

  it('grows activations with the batch size and the total is the sum of its parts', () => {
    const small = classify({ type: 'cnn' }, { schedule: { batchSize: 8 } });
    const large = classify({ type: 'cnn' }, { schedule: { batchSize: 64 } });
    expect(large.activations).toBe(8 * small.activations);
    expect(large.total).toBe(large.data + large.parameters + large.activations);
  });

  it('puts the default specs of every family under a gigabyte or so', () => {
    expect(classify({ type: 'knn' }).total).toBeLessThan(GiB);
    expect(classify({ type: 'mlp' }).total).toBeLessThan(GiB / 4);
    expect(classify({ type: 'cnn' }).total).toBeLessThan(GiB / 4);
    for (const type of ['rcnn', 'fast-rcnn', 'faster-rcnn', 'sliding-window'] as const) {
      const e = estimate({
        task: 'detect',
        model: 'm',
        architecture: { type },
        dataset: { name: 'digit-scenes' },
      });
      expect([type, e.total < 4 * GiB, e.total > 0]).toEqual([type, true, true]);
    }
  });

  it('says gigabytes for a million examples or a very wide network', () => {
    expect(classify({ type: 'cnn' }, { dataset: { name: 'mnist', train: 1_000_000 } }).data).toBeGreaterThan(
      5 * GiB,
    );
    const wide = classify({ type: 'mlp', hidden: [8192, 8192, 8192, 8192] }, { optimizer: { type: 'adam' } });
    expect(wide.parameters).toBeGreaterThan(3 * GiB);
  });

  it('makes a batch of 64 Mask R-CNN scenes cost more than a batch of 2', () => {
    const mask = (batchSize: number) =>
      estimate({
        task: 'segment',
        model: 'm',
        architecture: { type: 'mask-rcnn' },
        dataset: { name: 'digit-scenes' },
        schedule: { batchSize },
      });
    expect(mask(64).activations).toBe(32 * mask(2).activations);
    expect(mask(2).total).toBeLessThan(2 * GiB);
  });

  it('counts the box head on every map it reads', () => {
    const layers = [{ filters: 16 }, { filters: 32 }, { filters: 64 }];
    const faster = (roiMaps?: number[]) =>
      estimate({
        task: 'detect',
        model: 'm',
        architecture: { type: 'faster-rcnn', layers, fc: [10], ...(roiMaps ? { roiMaps } : {}) },
        dataset: { name: 'digit-scenes' },
        optimizer: { type: 'sgd' },
      });
    // The first FC takes 32 more channels of 7x7 features: 32 * 49 * 10 weights and their gradients.
    expect(faster([1, 2]).parameters - faster().parameters).toBe(32 * 49 * 10 * 2 * 4);
  });
});

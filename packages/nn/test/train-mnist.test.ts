import { Linear, ReLU, Sequential } from '@ocellus/nn/layers';
import { softmaxCrossEntropy } from '@ocellus/nn/losses';
import { SGD } from '@ocellus/nn/optim';
import { fit, tensorDataset } from '@ocellus/nn/train';
import { argmax, noGrad, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { mnistDigits } from './train-helpers.js';

const accuracy = (scores: Tensor, labels: Int32Array) => {
  const predicted = argmax(scores, 1).values();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
};

describe('fit on real MNIST digits (CS231n sanity check)', () => {
  it('overfits 50 digits to 100% training accuracy with Linear-ReLU-Linear (He init)', async () => {
    const { images, labels } = await mnistDigits(5);
    const model = new Sequential(
      new Linear(784, 64, { init: 'he', seed: 1 }),
      new ReLU(),
      new Linear(64, 10, { init: 'he', seed: 2 }),
    );
    const before = noGrad(() => accuracy(model.eval().forward(images), labels));
    model.train();
    const result = await fit(model, tensorDataset(images, labels), {
      loss: (scores, batch) => softmaxCrossEntropy(scores, batch.targets),
      optimizer: (p) => new SGD(p, { lr: 0.05, momentum: 0.9 }),
      epochs: 60,
      batchSize: 10,
      seed: 3,
      metrics: (scores, batch) => ({ accuracy: accuracy(scores, batch.targets) }),
      validation: tensorDataset(images, labels),
      monitor: { metric: 'val_accuracy', mode: 'max' },
      patience: 10,
    });
    const after = noGrad(() => accuracy(model.eval().forward(images), labels));
    expect(before).toBeLessThan(0.5);
    expect(after).toBe(1);
    expect(result.best?.value).toBe(1);
    expect(result.history.at(-1)!.metrics['loss']).toBeLessThan(0.05);
  });
});

import { tensor } from '@ocellus/tensor';
import {
  accuracy,
  confusionMatrix,
  perClassAccuracy,
  renderConfusionMatrix,
  topKAccuracy,
} from '@ocellus/vision/metrics';
import { describe, expect, it } from 'vitest';

const truth = [0, 0, 1, 1, 2, 2, 2];
const predicted = [0, 1, 1, 1, 2, 0, 2];

describe('accuracy and the confusion matrix', () => {
  it('counts correct predictions', () => {
    expect(accuracy(truth, predicted)).toBeCloseTo(5 / 7, 12);
    expect(accuracy(Int32Array.from([1, 2]), Int32Array.from([1, 2]))).toBe(1);
    expect(() => accuracy([1], [1, 2])).toThrow(/1 true labels but 2/);
  });

  it('puts true classes in rows and predictions in columns', () => {
    expect(confusionMatrix(truth, predicted, 3)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/label 3 outside/);
  });

  it('gives each class its own accuracy, NaN for a class without samples', () => {
    const perClass = perClassAccuracy(truth, predicted, 4);
    expect(perClass.slice(0, 3)).toEqual([0.5, 1, 2 / 3]);
    expect(perClass[3]).toBeNaN();
  });
});

describe('topKAccuracy', () => {
  const scores = tensor([
    [0.1, 0.5, 0.3, 0.1],
    [0.2, 0.2, 0.1, 0.5],
    [0.9, 0, 0, 0.1],
  ]);
  const labels = [2, 1, 0];

  it('counts a hit when the true class is among the k best', () => {
    expect([1, 2, 3, 4].map((k) => topKAccuracy(scores, labels, k))).toEqual([1 / 3, 2 / 3, 1, 1]);
  });

  it('breaks ties like argmax, so top-1 equals argmax accuracy', () => {
    const argmax = [1, 3, 0];
    expect(topKAccuracy(scores, labels, 1)).toBe(accuracy(labels, argmax));
    expect(topKAccuracy(tensor([[0.5, 0.5]]), [0], 1)).toBe(1);
    expect(topKAccuracy(tensor([[0.5, 0.5]]), [1], 1)).toBe(0);
  });

  it('refuses mismatched shapes and k < 1', () => {
    expect(() => topKAccuracy(tensor([1, 2]), [0], 1)).toThrow(/\[N, C\]/);
    expect(() => topKAccuracy(scores, [0, 1], 1)).toThrow(/2 true labels for 3/);
    expect(() => topKAccuracy(scores, labels, 0)).toThrow(/k must be/);
  });
});

describe('renderConfusionMatrix', () => {
  it('prints counts, row totals, per-class and overall accuracy as aligned columns', () => {
    const text = renderConfusionMatrix(
      [
        [3, 1],
        [0, 2],
      ],
      ['cat', 'dog'],
    );
    expect(text.split('\n')).toEqual([
      'true \\ pred  cat  dog  total  accuracy',
      '--------------------------------------',
      'cat            3    1      4     75.0%',
      'dog            0    2      2    100.0%',
      '--------------------------------------',
      'total          3    3      6     83.3%',
    ]);
  });

  it('labels classes by index by default and marks classes without samples', () => {
    const lines = renderConfusionMatrix([
      [0, 0],
      [1, 1],
    ]).split('\n');
    expect(lines[2]).toMatch(/^0 .* 0 +—$/);
    expect(lines[3]).toMatch(/^1 .* 2 +50\.0%$/);
    expect(() => renderConfusionMatrix([[1, 0]], ['a'])).toThrow(/square/);
  });
});

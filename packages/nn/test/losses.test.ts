import {
  bceWithLogits,
  l1Loss,
  mseLoss,
  smoothL1Loss,
  softmaxCrossEntropy,
  svmLoss,
} from '@ocellus/nn/losses';
import * as T from '@ocellus/tensor';
import { Rng } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' } as const;

describe('svmLoss', () => {
  // CS231n lecture 3: the slide's score matrix has one column per image (rows cat, car, frog).
  const slide = T.tensor(
    [
      [3.2, 1.3, 2.2],
      [5.1, 4.9, 2.5],
      [-1.7, 2.0, -3.1],
    ],
    undefined,
    f64,
  );
  const perImage = T.transpose(slide);
  const labels = [0, 1, 2];

  it('reproduces the lecture example: 2.9, 0 and 12.9 per image, 5.27 on average', () => {
    const losses = svmLoss(perImage, labels, { reduction: 'none' }).toArray() as number[];
    expect(losses[0]).toBeCloseTo(2.9, 12);
    expect(losses[1]).toBeCloseTo(0, 12);
    expect(losses[2]).toBeCloseTo(12.9, 12);
    expect(svmLoss(perImage, labels).item()).toBeCloseTo(5.27, 2);
    expect(svmLoss(perImage, labels, { reduction: 'sum' }).item()).toBeCloseTo(15.8, 12);
  });

  it('is about C - 1 = 9 at small random init on 10 classes', () => {
    const scores = T.randn([500, 10], new Rng(1), { std: 0.001 });
    const labels10 = Array.from({ length: 500 }, (_, i) => i % 10);
    expect(svmLoss(scores, labels10).item()).toBeCloseTo(9, 1);
  });

  it('moves the margin with the margin option', () => {
    // margin 0: (5.1 - 3.2) + 0 + (2.2 + 3.1) + (2.5 + 3.1); the frog score of image 1 stays inactive.
    expect(svmLoss(perImage, labels, { reduction: 'sum', margin: 0 }).item()).toBeCloseTo(12.8, 12);
  });

  it('names a label that is not a class', () => {
    expect(() => svmLoss(perImage, [0, 3, 1])).toThrow(/label 3 of sample 1/);
    expect(() => svmLoss(perImage, [0, 1])).toThrow(/2 labels for 3 samples/);
    expect(() => svmLoss(T.zeros([3]), labels)).toThrow(/shape \[N, C\]/);
  });
});

describe('softmaxCrossEntropy', () => {
  it('is about ln 10 = 2.30 at small random init on 10 classes', () => {
    const scores = T.randn([500, 10], new Rng(2), { std: 0.001 });
    const labels = Array.from({ length: 500 }, (_, i) => (i * 7) % 10);
    expect(softmaxCrossEntropy(scores, Int32Array.from(labels)).item()).toBeCloseTo(Math.log(10), 3);
  });

  it('equals -log softmax at the label', () => {
    const x = T.tensor([[1, 2, 3]], undefined, f64);
    const expected = -Math.log(Math.exp(2) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    expect(softmaxCrossEntropy(x, [1]).item()).toBeCloseTo(expected, 14);
  });

  it('stays finite for logits in the thousands (float32)', () => {
    const x = T.tensor([[1000, 0, -1000]], undefined, { requiresGrad: true });
    const loss = softmaxCrossEntropy(x, [1]);
    expect(loss.item()).toBeCloseTo(1000, 3);
    loss.backward();
    expect(x.grad!.toArray()).toEqual([[1, -1, 0]]);
  });

  it('ignores samples labelled ignoreIndex: mean over the rest, no gradient to them', () => {
    const x = T.randn([4, 3], new Rng(3), { dtype: 'float64', requiresGrad: true });
    const all = softmaxCrossEntropy(x, [0, 2, 1, 2], { reduction: 'none' }).toArray() as number[];
    const loss = softmaxCrossEntropy(x, [0, -1, 1, -1], { ignoreIndex: -1 });
    expect(loss.item()).toBeCloseTo((all[0]! + all[2]!) / 2, 14);
    loss.backward();
    const g = x.grad!.toArray() as number[][];
    expect(g[1]).toEqual([0, 0, 0]);
    expect(g[3]).toEqual([0, 0, 0]);
    expect(Math.abs(g[0]![0]!)).toBeGreaterThan(0);
  });

  it('weights samples: mean is sum(w l) / sum(w), sum is sum(w l)', () => {
    const x = T.randn([3, 4], new Rng(4), f64);
    const l = softmaxCrossEntropy(x, [3, 0, 1], { reduction: 'none' }).toArray() as number[];
    const w = [0.5, 2, 1];
    const weighted = 0.5 * l[0]! + 2 * l[1]! + l[2]!;
    expect(softmaxCrossEntropy(x, [3, 0, 1], { weights: w, reduction: 'sum' }).item()).toBeCloseTo(
      weighted,
      13,
    );
    expect(softmaxCrossEntropy(x, [3, 0, 1], { weights: w }).item()).toBeCloseTo(weighted / 3.5, 13);
  });

  it('refuses weights of a shape it cannot broadcast', () => {
    expect(() => softmaxCrossEntropy(T.zeros([3, 4]), [0, 1, 2], { weights: [1, 2] })).toThrow(/per sample/);
  });
});

describe('element-wise losses', () => {
  const p = T.tensor(
    [
      [0.5, -2],
      [3, 0.1],
    ],
    undefined,
    f64,
  );
  const t = T.tensor(
    [
      [0, 0],
      [1, 0],
    ],
    undefined,
    f64,
  );

  it('l1 and mse average |d| and d^2', () => {
    expect(l1Loss(p, t).item()).toBeCloseTo((0.5 + 2 + 2 + 0.1) / 4, 14);
    expect(mseLoss(p, t).item()).toBeCloseTo((0.25 + 4 + 4 + 0.01) / 4, 14);
  });

  it('smoothL1 is quadratic below beta and linear above it', () => {
    const out = smoothL1Loss(p, t, { beta: 1, reduction: 'none' }).toArray();
    expect(out).toEqual([
      [0.125, 1.5],
      [1.5, 0.5 * 0.1 * 0.1],
    ]);
  });

  it('smoothL1 with beta 0 is L1', () => {
    expect(smoothL1Loss(p, t, { beta: 0 }).item()).toBe(l1Loss(p, t).item());
  });

  it('per-sample weights broadcast over the other axes', () => {
    const none = mseLoss(p, t, { reduction: 'none' }).toArray() as number[][];
    const weighted = mseLoss(p, t, { weights: [2, 0] });
    expect(weighted.item()).toBeCloseTo((2 * (none[0]![0]! + none[0]![1]!)) / 4, 14);
  });

  it('refuses prediction and target of different shapes', () => {
    expect(() => l1Loss(p, T.zeros([4], f64))).toThrow(/differ in shape/);
  });
});

describe('bceWithLogits', () => {
  it('matches -z log sigmoid(x) - (1 - z) log(1 - sigmoid(x)) at moderate logits', () => {
    const x = T.tensor([-2, 0.3, 1.5], undefined, f64);
    const z = T.tensor([0, 1, 0.25], undefined, f64);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const naive = [-2, 0.3, 1.5].map((v, i) => {
      const zi = [0, 1, 0.25][i]!;
      return -zi * Math.log(s(v)) - (1 - zi) * Math.log(1 - s(v));
    });
    const out = bceWithLogits(x, z, { reduction: 'none' }).toArray() as number[];
    out.forEach((v, i) => {
      expect(v).toBeCloseTo(naive[i]!, 13);
    });
  });

  it('stays finite and exact for logits of +-1000', () => {
    const x = T.tensor([1000, -1000], undefined, f64);
    const out = bceWithLogits(x, T.tensor([0, 1], undefined, f64), { reduction: 'none' }).toArray();
    expect(out).toEqual([1000, 1000]);
  });

  it('has the exact gradient sigmoid(x) - z at x = 0, where |x| has its kink', () => {
    const x = T.zeros([2], { dtype: 'float64', requiresGrad: true });
    bceWithLogits(x, T.tensor([1, 0], undefined, f64), { reduction: 'sum' }).backward();
    expect(x.grad!.toArray()).toEqual([-0.5, 0.5]);
  });

  it('posWeight scales the positive term only', () => {
    const x = T.tensor([[0.7, -0.4]], undefined, f64);
    const z = T.tensor([[1, 0]], undefined, f64);
    const base = bceWithLogits(x, z, { reduction: 'none' }).toArray() as number[][];
    const posWeight = T.tensor([3, 3], undefined, f64);
    const scaled = bceWithLogits(x, z, { reduction: 'none', posWeight }).toArray() as number[][];
    expect(scaled[0]![0]).toBeCloseTo(3 * base[0]![0]!, 14);
    expect(scaled[0]![1]).toBeCloseTo(base[0]![1]!, 14);
  });
});

import {
  bceWithLogits,
  elasticNetPenalty,
  l1Loss,
  l1Penalty,
  l2Penalty,
  mseLoss,
  type Reduction,
  smoothL1Loss,
  softmaxCrossEntropy,
  svmLoss,
} from '@ocellus/nn/losses';
import * as T from '@ocellus/tensor';
import { gradCheck, Rng, type Tensor } from '@ocellus/tensor';
import { afterAll, describe, expect, it } from 'vitest';

const rng = new Rng(7);
const f64 = { dtype: 'float64' } as const;
const uniform = (shape: number[], low = -1, high = 1) => T.rand(shape, rng, { ...f64, low, high });
const positive = (shape: number[]) => uniform(shape, 0.5, 1.5);
/** Values at least 0.1 away from 0, so |x| is checked off its kink. */
const offZero = (shape: number[]) => T.mul(uniform(shape, 0.1, 1), T.where(T.gt(uniform(shape), 0), 1, -1));

/** Scores whose hinge terms `s_j - s_y + 1` all sit at least 0.05 from 0 (off the kink). */
function svmScores(labels: number[], c: number): Tensor {
  const data: number[] = [];
  labels.forEach((y) => {
    let row: number[];
    do row = Array.from({ length: c }, () => rng.uniform() * 4 - 2);
    while (row.some((s, j) => j !== y && Math.abs(s - row[y]! + 1) < 0.05));
    data.push(...row);
  });
  return T.tensor(data, [labels.length, c], f64);
}

const SMOOTH = 1e-7;
const KINKED = 1e-5;
const reductions: Reduction[] = ['mean', 'sum', 'none'];
const worst = new Map<string, number>();
function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol: number): void {
  const result = gradCheck(fn, inputs);
  expect(result.checked).toBe(inputs.reduce((n, t) => n + t.size, 0));
  expect(result.maxRelError, `${name}: worst ${JSON.stringify(result.worst)}`).toBeLessThan(tol);
  const { maxRelError } = result;
  worst.set(name, Math.max(worst.get(name) ?? 0, maxRelError));
}

afterAll(() => {
  console.info([...worst].map(([name, e]) => `${name.padEnd(20)} ${e.toExponential(2)}`).join('\n'));
});

const labels = [2, 0, 4, 1, 3, 3];
const ignored = [2, -100, 4, 1, -100, 3];

describe.each(reductions)('class losses, reduction %s', (reduction) => {
  it('svmLoss: scores and per-sample weights, with an ignored label', () => {
    check(
      'svmLoss',
      (s, w) => svmLoss(s, ignored, { reduction, weights: w, ignoreIndex: -100 }),
      [svmScores(labels, 5), positive([6])],
      KINKED,
    );
    check('svmLoss', (s) => svmLoss(s, labels, { reduction, margin: 0.5 }), [svmScores(labels, 5)], KINKED);
  });

  it('softmaxCrossEntropy: scores and per-sample weights, with an ignored label', () => {
    check(
      'softmaxCrossEntropy',
      (s, w) => softmaxCrossEntropy(s, ignored, { reduction, weights: w, ignoreIndex: -100 }),
      [uniform([6, 5], -3, 3), positive([6])],
      SMOOTH,
    );
    check(
      'softmaxCrossEntropy',
      (s) => softmaxCrossEntropy(s, labels, { reduction }),
      [uniform([6, 5], -3, 3)],
      SMOOTH,
    );
  });
});

describe.each(reductions)('element-wise losses, reduction %s', (reduction) => {
  it('l1Loss: prediction, target and full-shape weights, off the kink', () => {
    const target = uniform([4, 3]);
    check(
      'l1Loss',
      (p, t, w) => l1Loss(p, t, { reduction, weights: w }),
      [T.add(target, offZero([4, 3])), target, positive([4, 3])],
      KINKED,
    );
  });

  it('mseLoss: prediction, target and per-sample weights', () => {
    check(
      'mseLoss',
      (p, t, w) => mseLoss(p, t, { reduction, weights: w }),
      [uniform([4, 3]), uniform([4, 3]), positive([4])],
      SMOOTH,
    );
  });

  it.each([1, 0.3, 0])('smoothL1Loss with beta %s, off |d| = 0 and |d| = beta', (beta) => {
    const target = uniform([5, 2]);
    const d = T.tensor([0.05, -0.12, 0.2, -0.25, 0.4, -0.6, 0.9, -1.3, 1.7, -2.2], [5, 2], f64);
    check(
      'smoothL1Loss',
      (p, t, w) => smoothL1Loss(p, t, { reduction, beta, weights: w }),
      [T.add(target, d), target, positive([5])],
      KINKED,
    );
  });

  it('bceWithLogits: logits, soft targets, weights and posWeight', () => {
    check(
      'bceWithLogits',
      (x, z, w, pw) => bceWithLogits(x, z, { reduction, weights: w, posWeight: pw }),
      [uniform([4, 3], -4, 4), uniform([4, 3], 0, 1), positive([4]), positive([3])],
      SMOOTH,
    );
  });
});

describe('regularisers', () => {
  it('l2Penalty over several tensors', () => {
    check('l2Penalty', (a, b) => l2Penalty([a, b]), [uniform([3, 4]), uniform([5])], SMOOTH);
  });

  it('l1Penalty off the kink', () => {
    check('l1Penalty', (a, b) => l1Penalty([a, b]), [offZero([3, 4]), offZero([2, 2])], KINKED);
  });

  it('elasticNetPenalty off the kink', () => {
    check('elasticNetPenalty', (a) => elasticNetPenalty([a], 0.7), [offZero([4, 3])], KINKED);
  });
});

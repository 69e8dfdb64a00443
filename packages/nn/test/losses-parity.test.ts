import { readFileSync } from 'node:fs';
import {
  bceWithLogits,
  l1Loss,
  mseLoss,
  type Reduction,
  smoothL1Loss,
  softmaxCrossEntropy,
  svmLoss,
} from '@ocellus/nn/losses';
import type { DType, Tensor } from '@ocellus/tensor';
import * as T from '@ocellus/tensor';
import { afterAll, describe, expect, it } from 'vitest';

/** One torch 1.13 reference from fixtures/losses.py (float64). */
interface Case {
  loss: 'svm' | 'crossEntropy' | 'l1' | 'mse' | 'smoothL1' | 'bceWithLogits';
  reduction: Reduction;
  input: number[];
  shape: number[];
  target?: number[];
  labels?: number[];
  weights?: number[];
  weightsShape?: number[];
  posWeight?: number[];
  options: { ignoreIndex?: number; beta?: number };
  value: number[];
  valueShape: number[];
  upstream: number[];
  grads: Record<string, number[]>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/losses.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

/** Mixed absolute/relative error: |a - b| / (1 + |b|). */
const maxError = (actual: ArrayLike<number>, expected: readonly number[]): number => {
  expect(actual.length).toBe(expected.length);
  let e = 0;
  for (let i = 0; i < expected.length; i++) {
    e = Math.max(e, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  }
  return Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
};

function run(c: Case, dtype: DType): number {
  const leaf = (data: number[], shape: number[]) => T.tensor(data, shape, { dtype, requiresGrad: true });
  const leaves: Record<string, Tensor> = { input: leaf(c.input, c.shape) };
  if (c.target) leaves['target'] = leaf(c.target, c.shape);
  if (c.weights) leaves['weights'] = leaf(c.weights, c.weightsShape ?? [c.weights.length]);
  const x = leaves['input']!;
  const common = { reduction: c.reduction, weights: leaves['weights'], ...c.options };
  const posWeight = c.posWeight ? T.tensor(c.posWeight, undefined, { dtype }) : undefined;
  const target = leaves['target']!;
  const out = {
    svm: () => svmLoss(x, c.labels!, common),
    crossEntropy: () => softmaxCrossEntropy(x, c.labels!, common),
    l1: () => l1Loss(x, target, common),
    mse: () => mseLoss(x, target, common),
    smoothL1: () => smoothL1Loss(x, target, common),
    bceWithLogits: () => bceWithLogits(x, target, { ...common, posWeight }),
  }[c.loss]();
  expect(out.shape).toEqual(c.valueShape);
  T.sum(T.mul(out, T.tensor(c.upstream, c.valueShape, { dtype }))).backward();
  let e = maxError(out.values(), c.value);
  for (const [name, expected] of Object.entries(c.grads)) {
    e = Math.max(e, maxError(leaves[name]!.grad!.values(), expected));
  }
  return e;
}

const worst = new Map<string, number>();
afterAll(() => {
  console.info([...worst].map(([k, e]) => `${k.padEnd(24)} ${e.toExponential(2)}`).join('\n'));
});

const label = (c: Case) =>
  `${c.loss} ${JSON.stringify(c.options)} ${c.reduction}${c.weights ? ` weights[${c.weightsShape ?? c.weights.length}]` : ''}${c.posWeight ? ' posWeight' : ''}`;

describe.each([
  ['float64', 1e-9],
  ['float32', 1e-5],
] as const)('torch parity in %s: value and every gradient', (dtype, tol) => {
  it.each(fixture.cases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const e = run(c, dtype);
    expect(e).toBeLessThan(tol);
    const key = `${c.loss} ${dtype}`;
    worst.set(key, Math.max(worst.get(key) ?? 0, e));
  });
});

it('the fixture covers every loss, reduction, weights and the ignore index', () => {
  const losses = new Set(fixture.cases.map((c) => c.loss));
  expect(losses.size).toBe(6);
  expect(new Set(fixture.cases.map((c) => c.reduction)).size).toBe(3);
  expect(fixture.cases.some((c) => c.loss === 'crossEntropy' && c.options.ignoreIndex !== undefined)).toBe(
    true,
  );
  expect(fixture.cases.some((c) => c.loss === 'smoothL1' && c.options.beta === 0)).toBe(true);
});

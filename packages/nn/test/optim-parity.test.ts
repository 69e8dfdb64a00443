import { readFileSync } from 'node:fs';
import {
  Adagrad,
  Adam,
  AdamW,
  clipGradNorm,
  cosineLr,
  exponentialLr,
  LBFGS,
  type LbfgsOptions,
  type Optimizer,
  RMSProp,
  SGD,
  stepLr,
} from '@ocellus/nn/optim';
import type { DType, Tensor } from '@ocellus/tensor';
import * as T from '@ocellus/tensor';
import { afterAll, describe, expect, it } from 'vitest';

/** One torch 1.13 run from fixtures/optim.py (float64): losses before and parameters after each step. */
interface Run {
  name: string;
  kind: 'sgd' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw' | 'lbfgs';
  options: Record<string, unknown>;
  frozenBias: boolean;
  trajectory: { loss: number; W: number[]; b: number[]; iterations?: number; evaluations?: number }[];
}

interface OptimFixture {
  X: number[];
  Y: number[];
  W0: number[];
  b0: number[];
  runs: Run[];
  rosenbrock: { loss: number; x: number[]; iterations: number; evaluations: number }[];
  clip: { maxNorm: number; gradients: number[]; norm: number; clipped: number[] };
  schedules: Record<
    'step' | 'exponential' | 'cosine',
    { lr0: number; options: Record<string, number>; lrs: number[] }
  >;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/optim.json', import.meta.url), 'utf8'),
) as OptimFixture;

/** The fixture's problem: parameters W [3, 4], b [4] and the objective mean((tanh(X W + b) - Y)^2). */
function problem(dtype: DType = 'float64') {
  const X = T.tensor(fixture.X, [5, 3], { dtype });
  const Y = T.tensor(fixture.Y, [5, 4], { dtype });
  const W = T.tensor(fixture.W0, [3, 4], { dtype, requiresGrad: true });
  const b = T.tensor(fixture.b0, [4], { dtype, requiresGrad: true });
  const objective = (): Tensor => T.mean(T.square(T.sub(T.tanh(T.add(T.matmul(X, W), b)), Y)));
  return { W, b, objective };
}

/** Rosenbrock's banana `(1 - x)^2 + 100 (y - x^2)^2`, minimum 0 at (1, 1). */
function rosenbrock(p: Tensor): Tensor {
  const x = T.slice(p, [[0, 1]]);
  const y = T.slice(p, [[1, 2]]);
  return T.sum(T.add(T.square(T.sub(1, x)), T.mul(T.square(T.sub(y, T.square(x))), 100)));
}

/** Mixed absolute/relative error |a - b| / (1 + |b|), NaN counted as infinite. */
function maxError(actual: ArrayLike<number>, expected: readonly number[]): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let e = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!));
    e = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(e, d);
  }
  return e;
}

function make(run: Run, params: Tensor[]): Optimizer {
  const o = run.options as { lr: number };
  switch (run.kind) {
    case 'sgd':
      return new SGD(params, o);
    case 'adagrad':
      return new Adagrad(params, o);
    case 'rmsprop':
      return new RMSProp(params, o);
    case 'adam':
      return new Adam(params, o);
    case 'adamw':
      return new AdamW(params, o);
    case 'lbfgs':
      return new LBFGS(params, run.options as LbfgsOptions);
  }
}

/** Replays a fixture run and returns the largest deviation from torch's trajectory. */
function replay(run: Run, dtype: DType): number {
  const { W, b, objective } = problem(dtype);
  if (run.frozenBias) b.requiresGrad = false;
  const opt = make(run, [W, b]);
  let e = 0;
  for (const expected of run.trajectory) {
    let loss: number;
    if (opt instanceof LBFGS) {
      loss = opt.step(() => {
        opt.zeroGrad();
        const l = objective();
        l.backward();
        return l;
      });
      expect(opt.counters).toEqual({ iterations: expected.iterations, evaluations: expected.evaluations });
    } else {
      opt.zeroGrad();
      const l = objective();
      l.backward();
      opt.step();
      loss = l.item();
    }
    e = Math.max(
      e,
      maxError([loss], [expected.loss]),
      maxError(W.values(), expected.W),
      maxError(b.values(), expected.b),
    );
  }
  return e;
}

const worst = new Map<string, number>();
afterAll(() => {
  console.info([...worst].map(([k, e]) => `${k.padEnd(36)} ${e.toExponential(2)}`).join('\n'));
});
const note = (key: string, e: number) => worst.set(key, Math.max(worst.get(key) ?? 0, e));

describe('5 steps from the same start match torch 1.13 (float64)', () => {
  it.each(fixture.runs.map((r) => [r.name, r] as const))('%s', (name, run) => {
    const e = replay(run, 'float64');
    note(`${name} float64`, e);
    expect(e).toBeLessThan(1e-10);
  });
});

describe('the same runs in float32 stay within float32 tolerance', () => {
  const firstOrder = fixture.runs.filter((r) => r.kind !== 'lbfgs');
  it.each(firstOrder.map((r) => [r.name, r] as const))('%s', (name, run) => {
    const e = replay(run, 'float32');
    note(`${name} float32`, e);
    expect(e).toBeLessThan(1e-5);
  });
});

it('a frozen bias stays exactly where it started', () => {
  for (const run of fixture.runs.filter((r) => r.frozenBias)) {
    expect(run.trajectory.at(-1)!.b).toEqual(fixture.b0);
  }
});

it('L-BFGS on Rosenbrock follows torch step by step, iterations and evaluations included', () => {
  const x = T.tensor([-1.5, 2], undefined, { dtype: 'float64', requiresGrad: true });
  const opt = new LBFGS([x], { lr: 1, maxIter: 20, historySize: 10 });
  let e = 0;
  for (const expected of fixture.rosenbrock) {
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = rosenbrock(x);
      l.backward();
      return l;
    });
    expect(opt.counters).toEqual({ iterations: expected.iterations, evaluations: expected.evaluations });
    e = Math.max(e, maxError([loss], [expected.loss]), maxError(x.values(), expected.x));
  }
  note('lbfgs rosenbrock float64', e);
  expect(e).toBeLessThan(1e-9);
});

it('clipGradNorm returns torch clip_grad_norm_ norm and scales the same way', () => {
  const { W, b, objective } = problem();
  objective().backward();
  const grads = [...W.grad!.values(), ...b.grad!.values()];
  expect(maxError(grads, fixture.clip.gradients)).toBeLessThan(1e-12);
  const norm = clipGradNorm([W, b], fixture.clip.maxNorm);
  const e = Math.max(
    maxError([norm], [fixture.clip.norm]),
    maxError([...W.grad!.values(), ...b.grad!.values()], fixture.clip.clipped),
  );
  note('clipGradNorm float64', e);
  expect(e).toBeLessThan(1e-12);
});

it('lr schedules match torch StepLR, ExponentialLR and CosineAnnealingLR over 25 epochs', () => {
  const { step, exponential, cosine } = fixture.schedules;
  const schedules = {
    step: stepLr(step.lr0, step.options['stepSize']!, step.options['gamma']),
    exponential: exponentialLr(exponential.lr0, exponential.options['gamma']!),
    cosine: cosineLr(cosine.lr0, cosine.options['tMax']!, cosine.options['etaMin']),
  };
  for (const [name, schedule] of Object.entries(schedules)) {
    const expected = fixture.schedules[name as keyof typeof schedules].lrs;
    const e = maxError(
      expected.map((_, epoch) => schedule(epoch)),
      expected,
    );
    note(`${name} schedule`, e);
    expect(e).toBeLessThan(1e-12);
  }
});

import { l2Penalty } from '@ocellus/nn/losses';
import {
  Adagrad,
  Adam,
  AdamW,
  LBFGS,
  type Optimizer,
  type OptimizerState,
  RMSProp,
  SGD,
} from '@ocellus/nn/optim';
import * as T from '@ocellus/tensor';
import { type DType, Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' } as const;

/** A small seeded problem: W [3, 4], b [4], objective mean((tanh(X W + b) - Y)^2). */
function problem(dtype: DType = 'float64') {
  const rng = new Rng(9);
  const X = T.randn([5, 3], rng, { dtype });
  const Y = T.rand([5, 4], rng, { dtype, low: -1, high: 1 });
  const W = T.randn([3, 4], rng, { dtype, std: 0.8, requiresGrad: true });
  const b = T.randn([4], rng, { dtype, std: 0.3, requiresGrad: true });
  const objective = (): Tensor => T.mean(T.square(T.sub(T.tanh(T.add(T.matmul(X, W), b)), Y)));
  return { W, b, objective };
}

/** One parameter with a gradient set by hand. */
function withGrad(values: number[], grad: number[]): Tensor {
  const p = T.tensor(values, undefined, { ...f64, requiresGrad: true });
  p.grad = T.tensor(grad, undefined, f64);
  return p;
}

describe('update rules on hand-set gradients', () => {
  it('SGD: x -= lr (g + wd x)', () => {
    const p = withGrad([1, -2], [0.5, 4]);
    new SGD([p], { lr: 0.1, weightDecay: 0.5 }).step();
    expect(p.toArray()).toEqual([1 - 0.1 * (0.5 + 0.5), -2 - 0.1 * (4 - 1)]);
  });

  it('momentum: v = mu v - lr g; x += v (CS231n)', () => {
    const p = withGrad([1], [2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    opt.step();
    opt.step();
    // v1 = -0.2, x1 = 0.8; v2 = 0.9 v1 - 0.2 = -0.38, x2 = 0.42
    expect(p.values()[0]).toBeCloseTo(0.42, 15);
  });

  it('Nesterov: x += -mu v_prev + (1 + mu) v (the x-hat form)', () => {
    const p = withGrad([1], [2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    opt.step();
    expect(p.values()[0]).toBeCloseTo(1 + 1.9 * -0.2, 15);
    opt.step();
    expect(p.values()[0]).toBeCloseTo(0.62 - 0.9 * -0.2 + 1.9 * -0.38, 15);
  });

  it('AdaGrad: the first step is lr g / (|g| + 1e-7)', () => {
    const p = withGrad([0, 0], [1e-7, -3]);
    new Adagrad([p], { lr: 0.1 }).step();
    expect(p.values()[0]).toBeCloseTo(-0.05, 15);
    expect(p.values()[1]).toBeCloseTo(0.1 * (3 / (3 + 1e-7)), 15);
  });

  it('RMSProp: cache = rho cache + (1 - rho) g^2; x -= lr g / (sqrt(cache) + eps)', () => {
    const p = withGrad([0], [2]);
    new RMSProp([p], { lr: 0.01, decayRate: 0.9 }).step();
    expect(p.values()[0]).toBeCloseTo((-0.01 * 2) / (Math.sqrt(0.1 * 4) + 1e-8), 15);
  });

  it('Adam: bias correction makes the first step lr sign(g) whatever the scale of g', () => {
    const p = withGrad([0, 0, 0], [1e-3, -50, 7]);
    new Adam([p], { lr: 0.01 }).step();
    const v = p.values();
    expect(v[0]).toBeCloseTo(-0.01, 6);
    expect(v[1]).toBeCloseTo(0.01, 10);
    expect(v[2]).toBeCloseTo(-0.01, 10);
  });

  it('AdamW shrinks the weights by (1 - lr wd) where Adam with weight decay does not', () => {
    const a = withGrad([2], [0]);
    new AdamW([a], { lr: 0.1, weightDecay: 0.5 }).step();
    expect(a.values()[0]).toBeCloseTo(2 * (1 - 0.05), 15);
    const b = withGrad([2], [0]);
    new Adam([b], { lr: 0.1, weightDecay: 0.5 }).step();
    expect(b.values()[0]).toBeCloseTo(2 - 0.1, 6);
  });

  it('Adam counts steps per parameter: one unfrozen late still takes a corrected first step of lr', () => {
    const early = withGrad([0], [1]);
    const late = T.tensor([0], undefined, { ...f64, requiresGrad: true });
    const opt = new Adam([early, late], { lr: 0.01 });
    for (let i = 0; i < 20; i++) opt.step();
    late.grad = T.tensor([1], undefined, f64);
    opt.step();
    expect(late.values()[0]).toBeCloseTo(-0.01, 6);
  });

  it('weightDecay wd equals adding (wd / 2) l2Penalty to the loss', () => {
    const decayed = problem();
    const explicit = problem();
    const a = new SGD([decayed.W, decayed.b], { lr: 0.3, weightDecay: 0.2 });
    const b = new SGD([explicit.W, explicit.b], { lr: 0.3 });
    for (let i = 0; i < 3; i++) {
      a.zeroGrad();
      decayed.objective().backward();
      // weight decay on both tensors here, so the penalty covers both
      b.zeroGrad();
      T.add(explicit.objective(), T.mul(l2Penalty([explicit.W, explicit.b]), 0.1)).backward();
      a.step();
      b.step();
    }
    const w1 = decayed.W.values();
    const w2 = explicit.W.values();
    for (let i = 0; i < w1.length; i++) expect(w1[i]).toBeCloseTo(w2[i]!, 14);
  });

  it('a new lr set between steps (as a schedule does) is used by the next step', () => {
    const p = withGrad([1], [1]);
    const opt = new SGD([p], { lr: 0.1 });
    opt.lr = 0.5;
    opt.step();
    expect(p.values()[0]).toBe(0.5);
  });
});

const makers: [string, (ps: Tensor[]) => Optimizer][] = [
  ['sgd', (ps) => new SGD(ps, { lr: 0.3 })],
  ['momentum', (ps) => new SGD(ps, { lr: 0.3, momentum: 0.9, weightDecay: 0.01 })],
  ['nesterov', (ps) => new SGD(ps, { lr: 0.3, momentum: 0.8, nesterov: true })],
  ['adagrad', (ps) => new Adagrad(ps, { lr: 0.2 })],
  ['rmsprop', (ps) => new RMSProp(ps, { lr: 0.01 })],
  ['adam', (ps) => new Adam(ps, { lr: 0.05 })],
  ['adamw', (ps) => new AdamW(ps, { lr: 0.05 })],
  ['lbfgs', (ps) => new LBFGS(ps, { maxIter: 3, historySize: 4 })],
];

function advance(opt: Optimizer, objective: () => Tensor, steps: number): void {
  for (let i = 0; i < steps; i++) {
    if (opt instanceof LBFGS) {
      opt.step(() => {
        opt.zeroGrad();
        const l = objective();
        l.backward();
        return l;
      });
    } else {
      opt.zeroGrad();
      objective().backward();
      opt.step();
    }
  }
}

describe.each(makers)('%s checkpoints', (_, make) => {
  it('N steps, save, restore into a fresh optimiser, M more == N + M uninterrupted, bit for bit', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const straight = problem(dtype);
      const uninterrupted = make([straight.W, straight.b]);
      advance(uninterrupted, straight.objective, 7);

      const first = problem(dtype);
      const before = make([first.W, first.b]);
      advance(before, first.objective, 4);
      const state = structuredClone(before.stateDict());
      const weights = [first.W.values().slice(), first.b.values().slice()];

      const resumed = problem(dtype);
      resumed.W.data.set(weights[0]!);
      resumed.b.data.set(weights[1]!);
      const after = make([resumed.W, resumed.b]);
      after.loadStateDict(state);
      advance(after, resumed.objective, 3);

      expect(resumed.W.values()).toEqual(straight.W.values());
      expect(resumed.b.values()).toEqual(straight.b.values());
      expect(after.stateDict()).toEqual(uninterrupted.stateDict());
    }
  });

  it('the saved state is a snapshot: later steps do not change it', () => {
    const { W, b, objective } = problem();
    const opt = make([W, b]);
    advance(opt, objective, 2);
    const state = opt.stateDict();
    const copy = structuredClone(state);
    advance(opt, objective, 2);
    expect(state).toEqual(copy);
    expect(opt.stateDict()).not.toEqual(copy);
  });

  it('refuses the state of another optimiser type or parameter set', () => {
    const { W, b } = problem();
    const opt = make([W, b]);
    const other = make([W]);
    const foreign: OptimizerState = { ...opt.stateDict(), type: 'nope' };
    expect(() => opt.loadStateDict(foreign)).toThrow(/nope/);
    const { W: W2, b: b2, objective } = problem();
    const stepped = make([W2, b2]);
    advance(stepped, objective, 2);
    expect(() => other.loadStateDict(stepped.stateDict())).toThrow(/loadStateDict/);
  });
});

describe('skipping and in-place updates', () => {
  it.each(makers.filter(([n]) => n !== 'lbfgs'))(
    '%s skips frozen parameters and null gradients',
    (_, make) => {
      const moving = withGrad([1, 2], [0.5, -0.5]);
      const frozen = withGrad([3, 4], [0.5, -0.5]);
      frozen.requiresGrad = false;
      const noGrad = T.tensor([5, 6], undefined, { ...f64, requiresGrad: true });
      const opt = make([moving, frozen, noGrad]);
      opt.step();
      expect(frozen.toArray()).toEqual([3, 4]);
      expect(noGrad.toArray()).toEqual([5, 6]);
      expect(moving.toArray()).not.toEqual([1, 2]);
      for (const slots of Object.values(opt.stateDict().slots)) {
        expect(slots[1]).toBeNull();
        expect(slots[2]).toBeNull();
      }
    },
  );

  it.each(makers.filter(([n]) => n !== 'lbfgs'))('%s writes the parameter storage in place', (_, make) => {
    const p = withGrad([1, 2, 3, 4], [1, 1, 1, 1]);
    const storage = p.data;
    const view = T.reshape(p.detach(), [2, 2]);
    make([p]).step();
    expect(p.data).toBe(storage);
    expect(view.values()).toEqual(p.values());
    expect(p.values()[0]).not.toBe(1);
  });

  it('refuses views, duplicates and empty parameter lists', () => {
    const p = T.zeros([2, 3], { requiresGrad: true });
    expect(() => new SGD([T.transpose(p)], { lr: 1 })).toThrow(/view/);
    expect(() => new SGD([p, p], { lr: 1 })).toThrow(/twice/);
    expect(() => new Adam([], { lr: 1 })).toThrow(/no parameters/);
    expect(() => new SGD([p], { lr: -1 })).toThrow(/lr/);
    expect(() => new SGD([p], { lr: 1, nesterov: true })).toThrow(/momentum/);
  });
});

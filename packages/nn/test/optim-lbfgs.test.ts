import { bceWithLogits, l2Penalty } from '@ocellus/nn/losses';
import { LBFGS, SGD } from '@ocellus/nn/optim';
import * as T from '@ocellus/tensor';
import { Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' } as const;

/** Rosenbrock's banana `(1 - x)^2 + 100 (y - x^2)^2`, minimum 0 at (1, 1). */
function rosenbrock(p: Tensor): Tensor {
  const x = T.slice(p, [[0, 1]]);
  const y = T.slice(p, [[1, 2]]);
  return T.sum(T.add(T.square(T.sub(1, x)), T.mul(T.square(T.sub(y, T.square(x))), 100)));
}

/** Runs SGD on `f` until `done()` or `cap` steps; returns the steps taken. */
function sgdSteps(params: Tensor[], lr: number, f: () => Tensor, done: () => boolean, cap: number): number {
  const opt = new SGD(params, { lr });
  for (let i = 1; i <= cap; i++) {
    opt.zeroGrad();
    f().backward();
    opt.step();
    if (done()) return i;
  }
  return cap;
}

function lbfgsClosure(opt: LBFGS, f: () => Tensor) {
  return () => {
    opt.zeroGrad();
    const l = f();
    l.backward();
    return l;
  };
}

describe('LBFGS', () => {
  it('solves Rosenbrock from (-1.5, 2) in under 60 iterations; SGD is still far after 3000', () => {
    const x = T.tensor([-1.5, 2], undefined, { ...f64, requiresGrad: true });
    const opt = new LBFGS([x], {
      maxIter: 100,
      historySize: 10,
      toleranceChange: 1e-14,
      toleranceGrad: 1e-10,
    });
    opt.step(lbfgsClosure(opt, () => rosenbrock(x)));
    const [a, b] = x.values();
    expect(Math.hypot(a! - 1, b! - 1)).toBeLessThan(1e-6);
    expect(opt.counters.iterations).toBeLessThan(60);

    const y = T.tensor([-1.5, 2], undefined, { ...f64, requiresGrad: true });
    const distance = () => Math.hypot(y.values()[0]! - 1, y.values()[1]! - 1);
    // 1e-3 is about the largest stable rate here (the curvature across the valley is ~1000).
    sgdSteps(
      [y],
      1e-3,
      () => rosenbrock(y),
      () => distance() < 1e-6,
      3000,
    );
    expect(distance()).toBeGreaterThan(1e-2);
  });

  it('fits an ill-conditioned logistic regression in a fraction of the iterations of the best SGD', () => {
    const rng = new Rng(5);
    const n = 200;
    // Feature scales from 0.1 to 3, as in raw, unstandardised data: the Hessian is ill-conditioned.
    const X = T.mul(T.randn([n, 5], rng, f64), T.tensor([3, 1, 0.3, 0.1, 1], [1, 5], f64));
    const truth = T.tensor([0.5, -2, 3, 5, 1], [5, 1], f64);
    const p = T.sigmoid(T.matmul(X, truth)).values();
    const y = T.tensor(
      Array.from(p, (pi) => (rng.uniform() < pi ? 1 : 0)),
      [n, 1],
      f64,
    );
    const model = () => {
      const w = T.zeros([5, 1], { ...f64, requiresGrad: true });
      const b = T.zeros([1], { ...f64, requiresGrad: true });
      const loss = () => T.add(bceWithLogits(T.add(T.matmul(X, w), b), y), T.mul(l2Penalty([w]), 0.005));
      return { w, b, loss };
    };

    const exact = model();
    const solver = new LBFGS([exact.w, exact.b], {
      maxIter: 500,
      toleranceGrad: 1e-12,
      toleranceChange: 1e-15,
    });
    solver.step(lbfgsClosure(solver, exact.loss));
    const optimum = exact.loss().item();
    const reached = (loss: () => Tensor) => loss().item() - optimum <= 1e-8;

    const fast = model();
    const lbfgs = new LBFGS([fast.w, fast.b], { maxIter: 1 });
    let lbfgsIterations = 0;
    while (!reached(fast.loss) && lbfgsIterations < 100) {
      lbfgs.step(lbfgsClosure(lbfgs, fast.loss));
      lbfgsIterations++;
    }
    // SGD gets its best rate from a grid (3 already diverges).
    const sgdIterations = Math.min(
      ...[0.3, 1, 3].map((lr) => {
        const slow = model();
        return sgdSteps([slow.w, slow.b], lr, slow.loss, () => reached(slow.loss), 3000);
      }),
    );

    expect(lbfgsIterations).toBeLessThan(25);
    expect(sgdIterations).toBeGreaterThan(10 * lbfgsIterations);
  });

  it('returns the loss before the step and stops at once at a stationary point', () => {
    const x = T.tensor([1, 1], undefined, { ...f64, requiresGrad: true });
    const opt = new LBFGS([x]);
    let calls = 0;
    const loss = opt.step(() => {
      calls++;
      opt.zeroGrad();
      const l = rosenbrock(x);
      l.backward();
      return l;
    });
    expect(loss).toBe(0);
    expect(calls).toBe(1);
    expect(x.values()).toEqual(new Float64Array([1, 1]));
  });

  it('needs a closure', () => {
    const opt = new LBFGS([T.zeros([1], { requiresGrad: true })]);
    expect(() => opt.step()).toThrow(/closure/);
  });

  it('leaves a frozen parameter alone while moving the others', () => {
    const x = T.tensor([-1.5, 2], undefined, { ...f64, requiresGrad: true });
    const frozen = T.tensor([3], undefined, { ...f64, requiresGrad: true });
    frozen.requiresGrad = false;
    const opt = new LBFGS([frozen, x], { maxIter: 5 });
    opt.step(lbfgsClosure(opt, () => T.add(rosenbrock(x), T.sum(T.square(frozen)))));
    expect(frozen.values()[0]).toBe(3);
    expect(x.values()[0]).not.toBe(-1.5);
  });
});

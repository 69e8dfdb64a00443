import { add, div, exp, gradCheck, matmul, mul, neg, noGrad, sigmoid, sum, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

describe('autograd on the lecture graphs', () => {
  it('(x + y) * z at x=2, y=3, z=4 gives dz = 5 and dx = dy = 4', () => {
    const x = tensor(2, [], { requiresGrad: true });
    const y = tensor(3, [], { requiresGrad: true });
    const z = tensor(4, [], { requiresGrad: true });
    const f = mul(add(x, y), z);
    expect(f.item()).toBe(20);
    f.backward();
    expect(x.grad?.item()).toBe(4);
    expect(y.grad?.item()).toBe(4);
    expect(z.grad?.item()).toBe(5);
  });

  it('the sigmoid built from *-1, exp, +1, 1/x gates has the gradient (1 - s) s of the fused sigmoid', () => {
    const xs = [-3, -0.5, 0, 0.7, 2.5];
    for (const v of xs) {
      const x = tensor(v, [], { dtype: 'float64', requiresGrad: true });
      const gates = div(1, add(exp(neg(x)), 1));
      gates.backward();
      const xf = tensor(v, [], { dtype: 'float64', requiresGrad: true });
      const fused = sigmoid(xf);
      fused.backward();
      const s = 1 / (1 + Math.exp(-v));
      expect(gates.item()).toBeCloseTo(s, 14);
      expect(fused.item()).toBeCloseTo(s, 14);
      expect(x.grad?.item()).toBeCloseTo((1 - s) * s, 14);
      expect(xf.grad?.item()).toBeCloseTo((1 - s) * s, 14);
    }
  });
});

describe('gradient accumulation', () => {
  it('adds gradients of a tensor used twice and across backward calls', () => {
    const x = tensor([1, 2, 3], undefined, { dtype: 'float64', requiresGrad: true });
    sum(mul(x, x)).backward();
    expect(x.grad?.toArray()).toEqual([2, 4, 6]);
    sum(x).backward();
    expect(x.grad?.toArray()).toEqual([3, 5, 7]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('does not corrupt an upstream gradient shared by two inputs', () => {
    const a = tensor([1, 2], undefined, { requiresGrad: true });
    const b = tensor([3, 4], undefined, { requiresGrad: true });
    const s = add(a, b);
    sum(add(s, s)).backward();
    expect(a.grad?.toArray()).toEqual([2, 2]);
    expect(b.grad?.toArray()).toEqual([2, 2]);
  });

  it('records nothing inside noGrad and after detach', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = noGrad(() => mul(x, 3));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const z = mul(x.detach(), 3);
    expect(z.requiresGrad).toBe(false);
  });

  it('refuses backward from a non-scalar without an upstream gradient', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => mul(x, 2).backward()).toThrow(/scalar/);
    mul(x, 2).backward(tensor([1, 10]));
    expect(x.grad?.toArray()).toEqual([2, 20]);
  });

  it('checks a small two-layer network end to end', () => {
    const x = tensor([0.3, -1.2, 0.5, 2.0, -0.7, 0.1], [2, 3], { dtype: 'float64' });
    const w1 = tensor([0.1, -0.2, 0.4, 0.3, 0.5, -0.6], [3, 2], { dtype: 'float64' });
    const w2 = tensor([0.7, -0.1, 0.2, 0.9], [2, 2], { dtype: 'float64' });
    const r = gradCheck((a, b, c) => sum(mul(matmul(sigmoid(matmul(a, b)), c), 2)), [x, w1, w2]);
    expect(r.maxRelError).toBeLessThan(1e-7);
    expect(r.checked).toBe(6 + 6 + 4);
  });

  it('gradCheck catches a wrong gradient', () => {
    const x = tensor([0.5, 1.5], undefined, { dtype: 'float64' });
    // detach() cuts a path the numerical derivative still sees, so the analytic gradient is wrong.
    const r = gradCheck((t) => mul(t, t.detach()), [x]);
    expect(r.maxRelError).toBeGreaterThan(0.1);
  });
});

import { clipGradNorm, cosineLr, exponentialLr, SGD, stepLr } from '@ocellus/nn/optim';
import type { Tensor } from '@ocellus/tensor';
import * as T from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' } as const;

function withGrad(grad: number[]): Tensor {
  const p = T.zeros([grad.length], { ...f64, requiresGrad: true });
  p.grad = T.tensor(grad, undefined, f64);
  return p;
}

describe('clipGradNorm', () => {
  it('returns the global norm before clipping and rescales all gradients to maxNorm', () => {
    const a = withGrad([3, 0]);
    const b = withGrad([0, 4]);
    expect(clipGradNorm([a, b], 1)).toBe(5);
    const scale = 1 / (5 + 1e-6);
    expect(a.grad!.toArray()).toEqual([3 * scale, 0]);
    expect(b.grad!.toArray()).toEqual([0, 4 * scale]);
  });

  it('leaves gradients under the limit untouched', () => {
    const a = withGrad([0.3, -0.4]);
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 15);
    expect(a.grad!.toArray()).toEqual([0.3, -0.4]);
  });

  it('skips frozen parameters and missing gradients in the norm and the scaling', () => {
    const a = withGrad([6, 8]);
    const frozen = withGrad([100]);
    frozen.requiresGrad = false;
    const none = T.zeros([2], { requiresGrad: true });
    expect(clipGradNorm([a, frozen, none], 5)).toBe(10);
    expect(frozen.grad!.toArray()).toEqual([100]);
    expect(none.grad).toBeNull();
  });

  it('reports a non-finite norm without touching the gradients', () => {
    const a = withGrad([Number.NaN, 1]);
    expect(clipGradNorm([a], 1)).toBeNaN();
    expect(a.grad!.values()[1]).toBe(1);
  });
});

describe('lr schedules', () => {
  it('stepLr decays by gamma every stepSize epochs', () => {
    const s = stepLr(0.1, 10, 0.5);
    expect([0, 9, 10, 19, 20].map(s)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('exponentialLr multiplies by gamma each epoch', () => {
    const s = exponentialLr(1, 0.5);
    expect([0, 1, 3].map(s)).toEqual([1, 0.5, 0.125]);
  });

  it('cosineLr goes from lr0 through the midpoint to etaMin at tMax', () => {
    const s = cosineLr(0.1, 20, 0.01);
    expect(s(0)).toBeCloseTo(0.1, 15);
    expect(s(10)).toBeCloseTo(0.055, 15);
    expect(s(20)).toBeCloseTo(0.01, 15);
  });

  it('refuses negative or fractional epochs', () => {
    expect(() => stepLr(0.1, 2)(-1)).toThrow(/epoch/);
    expect(() => cosineLr(0.1, 5)(1.5)).toThrow(/epoch/);
  });

  it('drives an optimiser from the training loop: opt.lr = schedule(epoch)', () => {
    const p = T.tensor([0], undefined, { ...f64, requiresGrad: true });
    const opt = new SGD([p], { lr: 1 });
    const schedule = exponentialLr(1, 0.5);
    for (let epoch = 0; epoch < 3; epoch++) {
      opt.lr = schedule(epoch);
      p.grad = T.tensor([1], undefined, f64);
      opt.step();
    }
    expect(p.values()[0]).toBe(-(1 + 0.5 + 0.25));
  });
});

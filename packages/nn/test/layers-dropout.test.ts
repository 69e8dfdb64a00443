import { Dropout, Dropout2d } from '@ocellus/nn/layers';
import { full, mean, type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck, r64 } from './layers-helpers.js';

const zerosIn = (t: Tensor) => [...t.values()].filter((v) => v === 0).length;

describe('Dropout (inverted)', () => {
  it.each([0.2, 0.5, 0.8])('keeps the expected activation with p = %s', (p) => {
    // 1e6 units: the mean's relative std is sqrt(p / (1 - p)) / 1000 <= 0.2%; a wrong scale is off by >= 20%.
    const layer = new Dropout(p, { seed: 1 });
    const y = layer.forward(full([1_000_000], 3));
    expect(mean(y).item() / 3).toBeGreaterThan(0.99);
    expect(mean(y).item() / 3).toBeLessThan(1.01);
    expect(zerosIn(y) / 1e6).toBeCloseTo(p, 2);
  });

  it('scales each kept unit by 1 / (1 - p) and zeroes the rest', () => {
    const x = r64([50, 40], 0.5, 2).detach();
    const y = new Dropout(0.3, { seed: 2 }).forward(x).values();
    const xv = x.values();
    for (let i = 0; i < xv.length; i++) {
      if (y[i] !== 0) expect(y[i]).toBeCloseTo(xv[i]! / 0.7, 12);
    }
    expect(zerosIn(tensor(y, [2000]))).toBeGreaterThan(0);
  });

  it('keeps each unit in expectation (mean of 4000 draws per unit)', () => {
    const x = tensor([1, -2, 0.5, 4, 3]);
    const layer = new Dropout(0.5, { seed: 3 });
    const sums = new Float64Array(5);
    for (let k = 0; k < 4000; k++) {
      const y = layer.forward(x).values();
      for (let i = 0; i < 5; i++) sums[i]! += y[i]!;
    }
    // std of each mean is |x| / sqrt(4000) ~ 1.6% of |x|: allow 5 sigma.
    const means = [...sums].map((s) => s / 4000);
    expectAllClose(means, x.values(), 0.08, 0);
  });

  it('is the identity at eval', () => {
    const x = r64([4, 6]).detach();
    const layer = new Dropout(0.5, { seed: 4 }).eval();
    expect(layer.forward(x).values()).toEqual(x.values());
  });

  it('draws the same masks from the same seed and a new mask each call', () => {
    const x = full([100], 1);
    const a = new Dropout(0.5, { seed: 5 });
    const b = new Dropout(0.5, { seed: 5 });
    const first = [...a.forward(x).values()];
    expect([...b.forward(x).values()]).toEqual(first);
    expect([...a.forward(x).values()]).not.toEqual(first);
  });

  it('uses a fixed mask and passes a gradient check through it', () => {
    const mask = tensor([1, 0, 1, 1, 0, 1], [2, 3], { dtype: 'float64' });
    const layer = new Dropout(0.25, { mask });
    const x = r64([2, 3]).detach();
    expectAllClose(
      layer.forward(x).values(),
      [...x.values()].map((v, i) => (v * mask.values()[i]!) / 0.75),
    );
    expectGradCheck('Dropout (fixed mask)', checkModule(layer, r64([2, 3])), 1e-7);
  });

  it('drops everything at p = 1 and nothing at p = 0, and refuses p outside [0, 1]', () => {
    const x = full([10], 2);
    expect(zerosIn(new Dropout(1).forward(x))).toBe(10);
    expect(new Dropout(0).forward(x).values()).toEqual(x.values());
    expect(() => new Dropout(1.5)).toThrow(/\[0, 1\]/);
    expect(() => new Dropout(-0.1)).toThrow(/\[0, 1\]/);
  });
});

describe('Dropout2d (channel-wise)', () => {
  it('keeps or drops whole feature maps and keeps the expectation', () => {
    const layer = new Dropout2d(0.4, { seed: 6 });
    const y = layer.forward(full([200, 50, 3, 2], 1));
    const v = y.values();
    let dropped = 0;
    for (let map = 0; map < 200 * 50; map++) {
      const values = new Set(v.subarray(map * 6, map * 6 + 6));
      expect(values.size).toBe(1);
      if (values.has(0)) dropped++;
      else expect([...values][0]).toBeCloseTo(1 / 0.6, 6);
    }
    // 10,000 maps: std of the dropped fraction is 0.5%.
    expect(dropped / 10_000).toBeGreaterThan(0.37);
    expect(dropped / 10_000).toBeLessThan(0.43);
    expect(mean(y).item()).toBeGreaterThan(0.95);
    expect(mean(y).item()).toBeLessThan(1.05);
  });

  it('passes a gradient check with a fixed channel mask, is the identity at eval, and wants NCHW', () => {
    const mask = tensor([1, 0, 0, 1], [2, 2, 1, 1], { dtype: 'float64' });
    const layer = new Dropout2d(0.5, { mask });
    expectGradCheck('Dropout2d (fixed mask)', checkModule(layer, r64([2, 2, 3, 2])), 1e-7);
    const x = r64([2, 2, 3, 2]).detach();
    expect(layer.eval().forward(x).values()).toEqual(x.values());
    expect(() => new Dropout2d(0.5).forward(full([2, 3], 1))).toThrow(/\[N, C, H, W\]/);
  });
});

import { Embedding } from '@ocellus/nn/layers';
import { type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkFn, expectGradCheck } from './layers-helpers.js';

const rows = (t: Tensor, d: number) => {
  const v = [...t.values()];
  return Array.from({ length: v.length / d }, (_, i) => v.slice(i * d, i * d + d));
};

describe('Embedding', () => {
  it('looks up rows for indices of any shape: [B, T] -> [B, T, D]', () => {
    const layer = new Embedding(5, 3, { seed: 1 });
    const table = rows(layer.weight, 3);
    const y = layer.forward(
      tensor([
        [4, 0],
        [2, 4],
      ]),
    );
    expect(y.shape).toEqual([2, 2, 3]);
    expect(rows(y, 3)).toEqual([table[4], table[0], table[2], table[4]]);
  });

  it('accumulates the gradient of a repeated index into its row', () => {
    const layer = new Embedding(4, 2, { dtype: 'float64', seed: 2 });
    const indices = tensor([1, 3, 1, 1]);
    layer.forward(indices).backward(
      tensor(
        [
          [1, 2],
          [10, 20],
          [100, 200],
          [1000, 2000],
        ],
        undefined,
        { dtype: 'float64' },
      ),
    );
    expect(rows(layer.weight.grad!, 2)).toEqual([
      [0, 0],
      [1101, 2202],
      [0, 0],
      [10, 20],
    ]);
  });

  it('passes a gradient check of its weight', () => {
    const layer = new Embedding(6, 3, { dtype: 'float64', seed: 3 });
    const indices = tensor([
      [0, 5, 2],
      [2, 2, 4],
    ]);
    const result = checkFn(() => layer.forward(indices), layer.weight, []);
    expectGradCheck('Embedding (weight)', result, 1e-7);
  });

  it('refuses an index outside the table or not a whole number', () => {
    const layer = new Embedding(3, 2);
    expect(() => layer.forward(tensor([3]))).toThrow(/index 3 is not a row of a table of 3/);
    expect(() => layer.forward(tensor([-1]))).toThrow(/index -1/);
    expect(() => layer.forward(tensor([1.5]))).toThrow(/index 1.5/);
  });

  it('is regularised like any weight and starts N(0, 1)', () => {
    const layer = new Embedding(200, 100, { seed: 4 });
    expect(layer.regularizedParameters()).toEqual([layer.weight]);
    const v = [...layer.weight.values()];
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    expect(sd).toBeGreaterThan(0.97);
    expect(sd).toBeLessThan(1.03);
  });
});

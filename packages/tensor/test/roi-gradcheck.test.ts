import * as T from '@ocellus/tensor';
import { Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const rng = new Rng(13);
const r = (shape: number[]) => T.rand(shape, rng, { dtype: 'float64', low: -1, high: 1 });
/** Distinct values 0.037 apart in a random order: no two tie within a bin, so the argmax is stable under h. */
function spread(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return T.tensor(
    Array.from(rng.permutation(n), (v) => (v - n / 2) * 0.037),
    shape,
    { dtype: 'float64' },
  );
}

// Feature map [2, 3, 5, 7]; corners in image pixels at spatial scale 0.5.
const rois = () =>
  T.tensor(
    [
      [0, 1.1, 0.7, 9.3, 7.9],
      [1, -3.2, -2.6, 5.4, 4.1],
      [1, 8.6, 5.5, 17.2, 12.4],
      [0, 6.1, 4.2, 6.9, 4.7],
      [1, 0, 0, 13, 9],
    ],
    undefined,
    { dtype: 'float64' },
  );

describe('roiAlign gradient (float64 central differences)', () => {
  it.each([
    [0, false],
    [2, false],
    [1, true],
    [0, true],
  ])('sampling ratio %i, aligned %s: relative error under 1e-7', (samplingRatio, aligned) => {
    const fn = (x: Tensor, b: Tensor) =>
      T.roiAlign(x, b, { outputSize: [3, 2], spatialScale: 0.5, samplingRatio, aligned });
    const result = T.gradCheck(fn, [r([2, 3, 5, 7]), rois()], { wrt: [0] });
    expect(result.checked).toBe(2 * 3 * 5 * 7);
    expect(result.maxRelError).toBeLessThan(1e-7);
  });
});

describe('roiPool gradient (float64 central differences)', () => {
  it.each([
    [[3, 2], 0.5],
    [[2, 4], 1],
  ] as const)(
    'output %j, scale %d, distinct inputs: relative error under 1e-5',
    (outputSize, spatialScale) => {
      const fn = (x: Tensor, b: Tensor) => T.roiPool(x, b, { outputSize, spatialScale });
      const result = T.gradCheck(fn, [spread([2, 3, 5, 7]), rois()], { wrt: [0] });
      expect(result.maxRelError).toBeLessThan(1e-5);
    },
  );
});

describe('RoI coordinates are not differentiable', () => {
  it.each([
    ['roiPool', (x: Tensor, b: Tensor) => T.roiPool(x, b, { outputSize: 2, spatialScale: 0.5 })],
    ['roiAlign', (x: Tensor, b: Tensor) => T.roiAlign(x, b, { outputSize: 2, spatialScale: 0.5 })],
  ] as const)('%s leaves the rois without a gradient and gives the input one', (_name, fn) => {
    const x = r([2, 3, 5, 7]).requireGrad();
    const b = rois().requireGrad();
    T.sum(fn(x, b)).backward();
    expect(b.grad).toBeNull();
    expect(x.grad?.shape).toEqual([2, 3, 5, 7]);
  });
});

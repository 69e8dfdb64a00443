import type { Tensor } from '@ocellus/tensor';
import * as T from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const x = () => T.zeros([2, 3, 5, 7], { dtype: 'float64' });
const boxes = (rows: number[][]) => T.tensor(rows, undefined, { dtype: 'float64' });
const ok = [[1, 0, 0, 4, 3]];

describe.each([
  ['roiPool', (input: Tensor, rois: Tensor, o: T.RoiAlignOptions) => T.roiPool(input, rois, o)],
  ['roiAlign', (input: Tensor, rois: Tensor, o: T.RoiAlignOptions) => T.roiAlign(input, rois, o)],
] as const)('%s argument checks', (name, op) => {
  it('rejects rois that are not [K, 5]', () => {
    expect(() => op(x(), boxes([[0, 0, 0, 4]]), { outputSize: 2 })).toThrow(
      `${name}: rois must have shape [K, 5], got [1, 4]`,
    );
  });

  it('rejects an input that is not [N, C, H, W]', () => {
    expect(() => op(T.zeros([3, 5, 7]), boxes(ok), { outputSize: 2 })).toThrow(
      `${name}: input must have rank 4`,
    );
  });

  it.each([[2], [-1], [0.5]])('rejects batch index %d for a batch of 2', (b) => {
    expect(() => op(x(), boxes([ok[0]!, [b, 0, 0, 4, 3]]), { outputSize: 2 })).toThrow(
      `RoI 1 has batch index ${b}, expected an integer in [0, 2)`,
    );
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY]])('rejects the corner %d', (v) => {
    expect(() => op(x(), boxes([[0, 1, v, 4, 3]]), { outputSize: 2 })).toThrow(
      `RoI 0 has a non-finite coordinate ${v}`,
    );
  });

  it.each([
    [[0, 7], 'output height must be a positive integer, got 0'],
    [[7, 2.5], 'output width must be a positive integer, got 2.5'],
  ] as const)('rejects output size %j', (outputSize, message) => {
    expect(() => op(x(), boxes(ok), { outputSize })).toThrow(message);
  });

  it.each([[0], [-0.5], [Number.NaN]])('rejects spatial scale %d', (spatialScale) => {
    expect(() => op(x(), boxes(ok), { outputSize: 2, spatialScale })).toThrow(
      'spatialScale must be a positive finite',
    );
  });

  it('pools no RoIs into an empty [0, C, oh, ow] output with a zero input gradient', () => {
    const input = x().requireGrad();
    const out = op(input, T.zeros([0, 5], { dtype: 'float64' }), { outputSize: [2, 3] });
    expect(out.shape).toEqual([0, 3, 2, 3]);
    T.sum(out).backward();
    expect(Array.from(input.grad!.values()).every((v) => v === 0)).toBe(true);
  });
});

describe('roiAlign sampling ratio', () => {
  it('rejects a fractional sampling ratio', () => {
    expect(() => T.roiAlign(x(), boxes(ok), { outputSize: 2, samplingRatio: 1.5 })).toThrow(
      'samplingRatio must be an integer, got 1.5',
    );
  });
});

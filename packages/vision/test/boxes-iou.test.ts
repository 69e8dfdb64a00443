import { boxArea, boxIou, pairwiseIou } from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';

describe('boxArea', () => {
  it('is width times height on continuous coordinates, without +1', () => {
    expect(boxArea([1, 2, 4, 6])).toBe(12);
    expect(boxArea([3, 3, 3, 5])).toBe(0);
  });
});

describe('boxIou', () => {
  it('is 0 for disjoint boxes', () => {
    expect(boxIou([0, 0, 1, 1], [2, 2, 3, 3])).toBe(0);
  });

  it('is 0 for boxes that only touch along an edge or at a corner', () => {
    expect(boxIou([0, 0, 1, 1], [1, 0, 2, 1])).toBe(0);
    expect(boxIou([0, 0, 1, 1], [1, 1, 2, 2])).toBe(0);
  });

  it('is the inner area over the outer area for nested boxes', () => {
    expect(boxIou([0, 0, 4, 4], [1, 1, 3, 3])).toBe(4 / 16);
    expect(boxIou([1, 1, 3, 3], [0, 0, 4, 4])).toBe(4 / 16);
  });

  it('is 1 for identical boxes and 1/7 for two unit-overlapping 2x2 boxes', () => {
    expect(boxIou([0.5, 1.5, 7.25, 3], [0.5, 1.5, 7.25, 3])).toBe(1);
    expect(boxIou([0, 0, 2, 2], [1, 1, 3, 3])).toBeCloseTo(1 / 7, 15);
  });

  it('is 0, not NaN, when the union is empty', () => {
    expect(boxIou([2, 2, 2, 2], [2, 2, 2, 2])).toBe(0);
  });
});

describe('pairwiseIou', () => {
  it('fills a row-major as.length x bs.length matrix', () => {
    const as = [
      [0, 0, 2, 2],
      [10, 10, 12, 12],
    ] as const;
    const bs = [
      [1, 1, 3, 3],
      [0, 0, 2, 2],
      [11, 10, 12, 12],
    ] as const;
    const m = pairwiseIou(as, bs);
    expect(m).toBeInstanceOf(Float64Array);
    expect(Array.from(m)).toEqual([1 / 7, 1, 0, 0, 0, 2 / 4]);
  });

  it('is empty when either list is', () => {
    expect(pairwiseIou([], [[0, 0, 1, 1]]).length).toBe(0);
  });
});

import { maskIou, pairwiseMaskIou } from '@ocellus/vision/metrics';
import { encodeMask } from '@ocellus/vision/rle';
import { describe, expect, it } from 'vitest';

// 3 x 4, row-major.
const a = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0];
const b = [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function countedIou(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let inter = 0;
  let union = 0;
  for (let p = 0; p < x.length; p++) {
    if (x[p] && y[p]) inter++;
    if (x[p] || y[p]) union++;
  }
  return union === 0 ? 0 : inter / union;
}

describe('maskIou', () => {
  it('is |A and B| / |A or B| on pixel arrays', () => {
    // A has 4 pixels, B has 6, they share 2: 2 / 8.
    expect(maskIou(a, b)).toBe(2 / 8);
    expect(maskIou(Uint8Array.from(a), Uint8Array.from(a))).toBe(1);
  });

  it('gives the same value from two RLEs, and from an RLE paired with pixels', () => {
    const ra = encodeMask(a, 3, 4);
    const rb = encodeMask(b, 3, 4);
    expect(maskIou(ra, rb)).toBe(2 / 8);
    expect(maskIou(ra, b)).toBe(2 / 8);
    expect(maskIou(a, rb)).toBe(2 / 8);
  });

  it('is 0 for two empty masks and for disjoint ones', () => {
    const empty = new Array(12).fill(0);
    expect(maskIou(empty, empty)).toBe(0);
    expect(maskIou(encodeMask(empty, 3, 4), encodeMask(empty, 3, 4))).toBe(0);
    const complement = a.map((v) => 1 - v);
    expect(maskIou(encodeMask(a, 3, 4), encodeMask(complement, 3, 4))).toBe(0);
  });

  it('matches a pixel count on random masks, including masks that start inside', () => {
    const random = lcg(7);
    for (let trial = 0; trial < 50; trial++) {
      const h = 1 + Math.floor(random() * 9);
      const w = 1 + Math.floor(random() * 9);
      const density = random();
      const x = Array.from({ length: h * w }, () => (random() < density ? 1 : 0));
      const y = Array.from({ length: h * w }, () => (random() < density ? 1 : 0));
      expect(maskIou(encodeMask(x, h, w), encodeMask(y, h, w))).toBeCloseTo(countedIou(x, y), 14);
    }
  });

  it('refuses masks of different sizes', () => {
    expect(() => maskIou(encodeMask(a, 3, 4), encodeMask(a, 4, 3))).toThrow(/3x4 and 4x3/);
    expect(() => maskIou(a, [1, 0])).toThrow(/12 and 2 pixels/);
  });
});

describe('pairwiseMaskIou', () => {
  it('fills a row-major as.length x bs.length matrix', () => {
    const full = new Array(12).fill(1);
    const m = pairwiseMaskIou([encodeMask(a, 3, 4), b], [encodeMask(b, 3, 4), full]);
    expect(Array.from(m)).toEqual([2 / 8, 4 / 12, 1, 6 / 12]);
  });
});

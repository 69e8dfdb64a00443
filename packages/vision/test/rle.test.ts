import { countsToString, decodeMask, encodeMask, maskToCounts, stringToCounts } from '@ocellus/vision/rle';
import { describe, expect, it } from 'vitest';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('COCO RLE', () => {
  // 0 1 0 / 0 1 1 / 0 0 0 read down the columns: 000 110 010 -> runs 3,2,2,1,1.
  const mask = Uint8Array.of(0, 1, 0, 0, 1, 1, 0, 0, 0);

  it('counts runs column-major starting with zeros', () => {
    expect(maskToCounts(mask, 3, 3)).toEqual([3, 2, 2, 1, 1]);
    expect(maskToCounts(Uint8Array.of(1, 1, 1, 1), 2, 2)).toEqual([0, 4]);
    expect(maskToCounts(new Uint8Array(6), 2, 3)).toEqual([6]);
  });

  it('matches a hand-computed compressed string', () => {
    // counts 3, 2, 2 as themselves ('3' '2' '2'); the 4th and 5th as deltas 1-2 = -1 -> 31 + 48 = 'O'.
    expect(encodeMask(mask, 3, 3)).toEqual({ size: [3, 3], counts: '322OO' });
    // 100 = 4 + 3 * 32: low group 4 with the continuation bit (36 + 48 = 'T'), then 3 ('3').
    expect(countsToString([100])).toBe('T3');
    expect(stringToCounts('T3')).toEqual([100]);
    expect(decodeMask({ size: [3, 3], counts: '322OO' })).toEqual(mask);
  });

  it('round-trips random masks of many shapes and densities', () => {
    const random = lcg(7);
    for (let trial = 0; trial < 200; trial++) {
      const height = 1 + Math.floor(random() * 60);
      const width = 1 + Math.floor(random() * 60);
      const density = random();
      const m = new Uint8Array(height * width);
      for (let i = 0; i < m.length; i++) m[i] = random() < density ? 1 : 0;
      const rle = encodeMask(m, height, width);
      expect(rle.size).toEqual([height, width]);
      expect(decodeMask(rle)).toEqual(m);
    }
  });

  it('round-trips long runs whose deltas need several characters, negative and positive', () => {
    const counts = [5, 70_000, 3, 1_000_000, 2, 31, 16, 17];
    expect(stringToCounts(countsToString(counts))).toEqual(counts);
  });

  it('treats any non-zero value as inside the mask', () => {
    const rle = encodeMask(Float32Array.of(0, 0.7, 0, 255), 2, 2);
    expect(decodeMask(rle)).toEqual(Uint8Array.of(0, 1, 0, 1));
  });

  it('refuses strings that do not fit the size', () => {
    expect(() => decodeMask({ size: [2, 2], counts: '5' })).toThrow(RangeError);
    expect(() => decodeMask({ size: [2, 2], counts: '3' })).toThrow(RangeError);
    expect(() => decodeMask({ size: [2, 2], counts: '~' })).toThrow(RangeError);
    expect(() => decodeMask({ size: [2, 2], counts: 'T' })).toThrow(RangeError);
  });
});

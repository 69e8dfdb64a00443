import { Rng } from '@ocellus/tensor';
import { canonicalSplit, loadMnist } from '@ocellus/vision/mnist';
import { encodeMask } from '@ocellus/vision/rle';
import { digitStamp, drawStamp, placedMaskRle } from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import { maskExtent } from './scenes-support.js';

/** PyTorch `interpolate(mode='bilinear', align_corners=False)` of one 28x28 digit, in float64. */
function referenceResize(digit: Float32Array, side: number): Float64Array {
  const out = new Float64Array(side * side);
  const scale = 28 / side;
  const source = (o: number) => Math.max(0, (o + 0.5) * scale - 0.5);
  for (let y = 0; y < side; y++) {
    const sy = source(y);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, 27);
    for (let x = 0; x < side; x++) {
      const sx = source(x);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, 27);
      const at = (r: number, c: number) => digit[r * 28 + c]!;
      const top = at(y0, x0) * (1 - (sx - x0)) + at(y0, x1) * (sx - x0);
      const bottom = at(y1, x0) * (1 - (sx - x0)) + at(y1, x1) * (sx - x0);
      out[y * side + x] = top * (1 - (sy - y0)) + bottom * (sy - y0);
    }
  }
  return out;
}

describe('digitStamp', () => {
  const mnist = loadMnist();
  const digitAt = (i: number) => mnist.images.subarray(i * 784, (i + 1) * 784);

  it('keeps a 28x28 digit as it is, quantised to 8 bits, with the mask where it is > 0.5', () => {
    const stamp = digitStamp(1234, 28)!;
    const digit = digitAt(1234);
    expect(stamp.digit).toBe(mnist.labels[1234]);
    for (let i = 0; i < 784; i++) {
      expect(stamp.pixels[i]).toBeCloseTo(Math.round(255 * digit[i]!) / 255, 6);
      expect(stamp.mask[i]).toBe(digit[i]! > 0.5 ? 1 : 0);
    }
  });

  it.each([16, 20, 33, 40])('resizes bilinearly to %i x %i and thresholds the resized digit', (side) => {
    for (const index of [0, 2500, 7777]) {
      const stamp = digitStamp(index, side)!;
      const reference = referenceResize(digitAt(index), side);
      expect(stamp.pixels.length).toBe(side * side);
      reference.forEach((v, i) => {
        if (Math.abs(v - 0.5) < 1e-5) return;
        expect(stamp.mask[i]).toBe(v > 0.5 ? 1 : 0);
        const clipped = Math.min(1, Math.max(0, v));
        expect(Math.abs(stamp.pixels[i]! * 255 - Math.round(255 * clipped))).toBeLessThan(1.0001);
        expect(stamp.pixels[i]! * 255).toBeCloseTo(Math.round(stamp.pixels[i]! * 255), 3);
      });
      expect(stamp.extent).toEqual(maskExtent(stamp.mask, side, side));
    }
  });

  it('is null for a side too small to keep any pixel above 0.5', () => {
    const faint = Array.from({ length: 20 }, (_, i) => i).find((i) => digitStamp(i, 1) === null);
    expect(faint).toBeDefined();
  });
});

describe('drawStamp', () => {
  it('draws from the pool only, at every side of the range and no other', () => {
    const pool = canonicalSplit().test.subarray(0, 50);
    const rng = new Rng(3);
    const sides = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const stamp = drawStamp(rng, pool, { min: 16, max: 40 });
      expect(pool.includes(stamp.mnistIndex)).toBe(true);
      sides.add(stamp.size);
    }
    expect([...sides].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => 16 + i));
  });

  it('gives up with an error on a pool whose digits are all empty at every size', () => {
    const faint = Array.from({ length: 20 }, (_, i) => i).find((i) => digitStamp(i, 1) === null)!;
    expect(() => drawStamp(new Rng(1), Int32Array.of(faint), { min: 1, max: 1 })).toThrow(/non-empty mask/);
  });
});

describe('placedMaskRle', () => {
  const stamp = digitStamp(4321, 24)!;
  it.each([
    [0, 0, 64, 64],
    [40, 40, 64, 64],
    [17, 3, 50, 70],
    [0, 0, 24, 24],
    [5, 0, 24, 40],
  ])('matches encodeMask of the whole canvas at left %i, top %i on %i x %i', (left, top, height, width) => {
    const canvas = new Uint8Array(height * width);
    for (let y = 0; y < 24; y++) {
      for (let x = 0; x < 24; x++) canvas[(top + y) * width + left + x] = stamp.mask[y * 24 + x]!;
    }
    expect(placedMaskRle(stamp, left, top, height, width)).toEqual(encodeMask(canvas, height, width));
  });
});

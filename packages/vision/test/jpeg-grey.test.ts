import { Rng } from '@ocellus/tensor';
import { jpegGreyRoundTrip, jpegLuminanceTable, jpegRoundTrip, photoLike } from '@ocellus/vision/augment';
import { describe, expect, it } from 'vitest';
import { digitScene } from './digit-scene-fixture.js';

/** A photo-like grey upload of a digit scene at an odd size (71x53: edge blocks padded on both axes). */
const upload = photoLike(digitScene(4), new Rng(8), {
  size: { width: 71, height: 53 },
  zoom: [1, 1],
  translate: 0,
});

/** Mean and largest absolute difference in 8-bit levels. */
function levelsApart(a: Float32Array, b: Float32Array): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = 255 * Math.abs(a[i]! - b[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}

describe('jpegLuminanceTable', () => {
  it('is Annex K at quality 50, scaled as libjpeg does above and below it, within 1..255', () => {
    const at50 = Array.from(jpegLuminanceTable(50));
    expect(at50.slice(0, 8)).toEqual([16, 11, 10, 16, 24, 40, 51, 61]);
    expect(at50[63]).toBe(99);
    // Quality 75: scale 50, so (16 * 50 + 50) / 100 = 8 and (99 * 50 + 50) / 100 = 50.
    expect(jpegLuminanceTable(75)[0]).toBe(8);
    expect(jpegLuminanceTable(75)[63]).toBe(50);
    // Quality 10: scale 500, so 121 * 5 = 605 is held at the baseline's 255.
    expect(jpegLuminanceTable(10)[0]).toBe(80);
    expect(Math.max(...jpegLuminanceTable(10))).toBe(255);
    expect(Array.from(new Set(jpegLuminanceTable(100)))).toEqual([1]);
  });
});

describe('jpegGreyRoundTrip', () => {
  it.each([50, 75, 95])(
    'decodes as a real JPEG at quality %i does, to within the transform’s rounding',
    async (q) => {
      const real = await jpegRoundTrip({ ...upload, channels: 1 }, new Rng(1), {
        probability: 1,
        quality: [q, q],
      });
      const simulated = jpegGreyRoundTrip(upload.pixels, upload.width, upload.height, q);
      const eightBit = Float32Array.from(upload.pixels, (v) => Math.round(255 * v) / 255);
      const jpegError = levelsApart(real.pixels, eightBit);
      const apart = levelsApart(real.pixels, simulated);
      expect(jpegError.mean).toBeGreaterThan(1);
      expect(apart.mean).toBeLessThan(0.5);
      expect(apart.mean).toBeLessThan(jpegError.mean / 4);
      expect(apart.max).toBeLessThanOrEqual(12);
    },
  );

  it('gives 8-bit levels, loses more at a lower quality, and keeps a flat plane flat', () => {
    const { pixels, width, height } = upload;
    const low = jpegGreyRoundTrip(pixels, width, height, 50);
    const high = jpegGreyRoundTrip(pixels, width, height, 95);
    expect(low.every((v) => Math.abs(255 * v - Math.round(255 * v)) < 1e-4)).toBe(true);
    expect(levelsApart(low, pixels).mean).toBeGreaterThan(2 * levelsApart(high, pixels).mean);
    const flat = jpegGreyRoundTrip(new Float32Array(30 * 20).fill(0.4), 30, 20, 50);
    expect([...new Set(flat)]).toEqual([Math.fround(102 / 255)]);
  });

  it('refuses a plane of the wrong size', () => {
    expect(() => jpegGreyRoundTrip(new Float32Array(10), 4, 3, 80)).toThrow(
      'a 4x3 plane needs 12 values, got 10',
    );
  });
});

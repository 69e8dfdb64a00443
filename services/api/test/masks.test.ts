import { scaledMaskRle } from '@ocellus/api';
import { encodeMask, stringToCounts } from '@ocellus/vision/rle';
import { describe, expect, it } from 'vitest';

/** The reference: materialise the nearest-neighbour upscaled mask, then encode it. */
function naive(data: Float32Array, mh: number, mw: number, threshold: number, h: number, w: number) {
  const big = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const my = Math.min(mh - 1, Math.floor(((y + 0.5) * mh) / h));
      const mx = Math.min(mw - 1, Math.floor(((x + 0.5) * mw) / w));
      big[y * w + x] = data[my * mw + mx]! > threshold ? 1 : 0;
    }
  }
  return encodeMask(big, h, w);
}

describe('scaledMaskRle', () => {
  it('equals encoding the upscaled mask pixel by pixel, for many sizes', () => {
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 100; trial++) {
      const mh = 1 + Math.floor(random() * 12);
      const mw = 1 + Math.floor(random() * 12);
      const h = 1 + Math.floor(random() * 50);
      const w = 1 + Math.floor(random() * 50);
      const data = Float32Array.from({ length: mh * mw }, () => random());
      expect(scaledMaskRle({ height: mh, width: mw, data }, 0.5, h, w)).toEqual(
        naive(data, mh, mw, 0.5, h, w),
      );
    }
  });

  it('scales a 2x2 mask with one corner set to a quarter of a 4x6 image', () => {
    const rle = scaledMaskRle({ height: 2, width: 2, data: Uint8Array.of(1, 0, 0, 0) }, 0.5, 4, 6);
    // Columns 0-2 hold 1,1,0,0 and columns 3-5 zeros: column-major runs 0,2,2,2,2,2,14.
    expect(stringToCounts(rle.counts)).toEqual([0, 2, 2, 2, 2, 2, 14]);
    expect(rle.size).toEqual([4, 6]);
  });
});

import { Rng } from '@ocellus/tensor';
import { keepDetections, pasteMaskRle, topK } from '@ocellus/vision/outputs';
import { encodeMask, stringToCounts } from '@ocellus/vision/rle';
import { describe, expect, it } from 'vitest';

/** The reference: torchvision's paste as a full image (bilinear, half-pixel centres, edges clamped), then encode. */
function naivePaste(
  data: Float32Array,
  mh: number,
  mw: number,
  box: number[],
  threshold: number,
  h: number,
  w: number,
) {
  const [x1, y1, x2, y2] = box as [number, number, number, number];
  const at = (r: number, c: number) =>
    data[Math.min(mh - 1, Math.max(0, r)) * mw + Math.min(mw - 1, Math.max(0, c))]!;
  const image = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x + 0.5 < x1 || x + 0.5 >= x2 || y + 0.5 < y1 || y + 0.5 >= y2) continue;
      const fx = Math.min(Math.max(((x + 0.5 - x1) / (x2 - x1)) * mw - 0.5, 0), mw - 1);
      const fy = Math.min(Math.max(((y + 0.5 - y1) / (y2 - y1)) * mh - 0.5, 0), mh - 1);
      const [c0, r0] = [Math.floor(fx), Math.floor(fy)];
      const [ax, ay] = [fx - c0, fy - r0];
      const top = at(r0, c0) * (1 - ax) + at(r0, c0 + 1) * ax;
      const bottom = at(r0 + 1, c0) * (1 - ax) + at(r0 + 1, c0 + 1) * ax;
      image[y * w + x] = top * (1 - ay) + bottom * ay > threshold ? 1 : 0;
    }
  }
  return encodeMask(image, h, w);
}

describe('pasteMaskRle', () => {
  it('equals pasting into a full image and encoding it, for random masks, boxes and images', () => {
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 200; trial++) {
      const mh = 1 + Math.floor(random() * 9);
      const mw = 1 + Math.floor(random() * 9);
      const h = 1 + Math.floor(random() * 40);
      const w = 1 + Math.floor(random() * 40);
      const x1 = random() * w * 1.2 - 0.1 * w;
      const y1 = random() * h * 1.2 - 0.1 * h;
      const box = [x1, y1, x1 + 0.5 + random() * w, y1 + 0.5 + random() * h];
      const data = Float32Array.from({ length: mh * mw }, () => random());
      expect(pasteMaskRle({ height: mh, width: mw, data }, box, 0.5, h, w)).toEqual(
        naivePaste(data, mh, mw, box, 0.5, h, w),
      );
    }
  });

  it('pastes a full mask onto exactly the pixels of its box', () => {
    const rle = pasteMaskRle(
      { height: 2, width: 2, data: new Float32Array(4).fill(1) },
      [1, 0, 3, 2],
      0.5,
      4,
      5,
    );
    // Columns 1 and 2 hold 1,1,0,0; the others zeros: column-major runs 4,2,2,2,10.
    expect(stringToCounts(rle.counts)).toEqual([4, 2, 2, 2, 10]);
    expect(rle.size).toEqual([4, 5]);
  });
});

describe('topK', () => {
  it('ranks the highest scores first and ties by the lower index', () => {
    expect(topK(Float32Array.of(0.1, 0.5, 0.5, 0.9), 3)).toEqual([3, 1, 2]);
    expect(topK([1, 2], 5)).toEqual([1, 0]);
    expect(topK([1, 2], 0)).toEqual([]);
  });

  it('selects from long score lists exactly as a full sort ranks them, ties and NaN included', () => {
    const fullSort = (scores: ArrayLike<number>, k: number) =>
      Array.from({ length: scores.length }, (_, i) => i)
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, k);
    const rng = new Rng(11);
    const random = () => rng.uniform();
    for (const n of [256, 1000, 3072]) {
      const coarse = Float32Array.from({ length: n }, () => Math.round(random() * 40) / 40);
      const fine = Float64Array.from({ length: n }, () => random() - 0.5);
      const rising = Float64Array.from({ length: n }, (_, i) => i);
      const flat = new Float32Array(n).fill(0.5);
      for (const scores of [coarse, fine, rising, rising.slice().reverse(), flat]) {
        for (const k of [1, 7, 60, Math.floor(n / 4)]) expect(topK(scores, k)).toEqual(fullSort(scores, k));
      }
    }
    const withNaN = Float64Array.from({ length: 512 }, (_, i) =>
      i % 50 === 3 ? Number.NaN : (i * 37) % 101,
    );
    expect(topK(withNaN, 20)).toEqual(fullSort(withNaN, 20));
  });
});

describe('keepDetections', () => {
  it('drops scores under the threshold, sorts by score and keeps at most the maximum', () => {
    const found = [0.2, 0.9, 0.5, 0.7].map((score, index) => ({ index, score }));
    expect(keepDetections(found, { scoreThreshold: 0.5, maxDetections: 2 })).toEqual([
      { index: 1, score: 0.9 },
      { index: 3, score: 0.7 },
    ]);
    expect(keepDetections(found, { scoreThreshold: 0.95, maxDetections: 10 })).toEqual([]);
  });
});

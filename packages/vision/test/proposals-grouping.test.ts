import { Rng } from '@ocellus/tensor';
import {
  COLOUR_BINS,
  colourHistograms,
  FAST_SIMILARITIES,
  felzenszwalb,
  fillSimilarity,
  type Hierarchy,
  hierarchicalGrouping,
  histogramIntersection,
  type InitialRegions,
  initialRegions,
  type Segmentation,
  sizeSimilarity,
} from '@ocellus/vision/proposals';
import { digitScenes } from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import { greyImage } from './proposals-support.js';

/** A segmentation from a row-major label grid. */
function segmentationOf(rows: readonly (readonly number[])[]): Segmentation {
  const labels = Int32Array.from(rows.flat());
  return { labels, count: Math.max(...labels) + 1, height: rows.length, width: rows[0]!.length };
}

/** Grouping of `segmentation` on `image` under `measures`. */
function group(
  segmentation: Segmentation,
  image: ReturnType<typeof greyImage>,
  measures: { colour: boolean; size: boolean; fill: boolean },
): { initial: InitialRegions; hierarchy: Hierarchy } {
  const initial = initialRegions(segmentation);
  const values = colourHistograms(segmentation, image, initial.sizes);
  const hierarchy = hierarchicalGrouping(
    initial,
    { values, length: COLOUR_BINS },
    measures,
    image.pixels.length,
  );
  return { initial, hierarchy };
}

/** The initial segments under region `r` of a hierarchy over `n` initial regions. */
function leaves(hierarchy: Hierarchy, n: number, r: number): number[] {
  if (r < n) return [r];
  const [a, b] = [hierarchy.children[2 * (r - n)]!, hierarchy.children[2 * (r - n) + 1]!];
  return [...leaves(hierarchy, n, a), ...leaves(hierarchy, n, b)];
}

/** Whether some pixel of a segment in `as` is an 8-neighbour of a pixel of a segment in `bs`. */
function touching(segmentation: Segmentation, as: readonly number[], bs: readonly number[]): boolean {
  const { labels, height, width } = segmentation;
  const [inA, inB] = [new Set(as), new Set(bs)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inA.has(labels[y * width + x]!)) continue;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [x2, y2] = [x + dx, y + dy];
          if (x2 >= 0 && y2 >= 0 && x2 < width && y2 < height && inB.has(labels[y2 * width + x2]!))
            return true;
        }
      }
    }
  }
  return false;
}

describe('initialRegions', () => {
  it('gives each segment its size, its box with x2 and y2 exclusive, and its 8-connected neighbours', () => {
    const segmentation = segmentationOf([
      [0, 0, 1, 1],
      [0, 0, 1, 1],
      [2, 2, 3, 1],
      [2, 2, 2, 1],
    ]);
    const regions = initialRegions(segmentation);
    expect(Array.from(regions.sizes)).toEqual([4, 6, 5, 1]);
    expect(Array.from(regions.boxes)).toEqual([0, 0, 2, 2, 2, 0, 4, 4, 0, 2, 3, 4, 2, 2, 3, 3]);
    // 0 and 3 touch only diagonally; every pair touches here.
    expect(Array.from(regions.neighbours)).toEqual([0, 1, 0, 2, 0, 3, 1, 2, 1, 3, 2, 3]);
  });

  it('leaves out segments that do not touch', () => {
    const regions = initialRegions(segmentationOf([[0, 0, 1, 1, 2, 2]]));
    expect(Array.from(regions.neighbours)).toEqual([0, 1, 1, 2]);
  });
});

describe('similarities', () => {
  it('intersects L1-normalised histograms: 1 for equal rows, 0 for disjoint ones', () => {
    const table = Float32Array.from([0.5, 0.5, 0, 0.5, 0.5, 0, 0, 0, 1, 0.2, 0.3, 0.5]);
    expect(histogramIntersection(table, 3, 0, 1)).toBeCloseTo(1, 6);
    expect(histogramIntersection(table, 3, 0, 2)).toBe(0);
    expect(histogramIntersection(table, 3, 0, 3)).toBeCloseTo(0.2 + 0.3, 6);
  });

  it('scores small pairs and pairs that fill their joint box higher', () => {
    expect(sizeSimilarity(10, 30, 100)).toBeCloseTo(0.6, 6);
    // Side by side, 2x2 squares fill their 4x2 box; diagonal ones leave 8 of a 4x4 box empty.
    const boxes = Int32Array.from([0, 0, 2, 2, 2, 0, 4, 2, 2, 2, 4, 4]);
    expect(fillSimilarity(boxes, 0, 1, 4, 4, 64)).toBe(1);
    expect(fillSimilarity(boxes, 0, 2, 4, 4, 64)).toBeCloseTo(1 - 8 / 64, 6);
  });
});

describe('hierarchicalGrouping', () => {
  const stripes = segmentationOf(Array.from({ length: 4 }, () => [0, 0, 1, 1, 2, 2]));

  it('merges only neighbours: equal stripes apart from each other are joined through the one between', () => {
    // Stripes 0 | 1 | 2: 0 and 2 have the same colour, 1 another, so colour alone would pair 0 with 2.
    const image = greyImage(4, 6, (x) => (x < 2 || x >= 4 ? 0.9 : 0.1));
    const { hierarchy } = group(stripes, image, { colour: true, size: false, fill: false });
    expect(hierarchy.count).toBe(5);
    expect(Array.from(hierarchy.children.subarray(0, 2))).toContain(1);
    expect(Array.from(hierarchy.boxes.subarray(16, 20))).toEqual([0, 0, 6, 4]);
  });

  it('merges the most similar neighbours first', () => {
    // Stripe 1 is three quarters stripe 0's grey and one quarter stripe 2's: colour pairs it with 0.
    const image = greyImage(4, 6, (x, y) => (x < 3 || (x === 3 && y < 2) ? 0.1 : 0.9));
    const { hierarchy } = group(stripes, image, { colour: true, size: false, fill: false });
    expect(Array.from(hierarchy.children.subarray(0, 2)).sort()).toEqual([0, 1]);
    expect(Array.from(hierarchy.boxes.subarray(12, 16))).toEqual([0, 0, 4, 4]);
    // By size alone the smallest pair merges first: 1 and 2 (4 + 4 pixels against 0's 16 + 4).
    const sized = segmentationOf(Array.from({ length: 4 }, () => [0, 0, 0, 0, 1, 2]));
    const { hierarchy: bySize } = group(sized, image, { colour: false, size: true, fill: false });
    expect(Array.from(bySize.children.subarray(0, 2)).sort()).toEqual([1, 2]);
    expect(Array.from(bySize.boxes.subarray(12, 16))).toEqual([4, 0, 6, 4]);
  });

  it('builds 2n - 1 regions on digit scenes: each merge of two touching regions, its box their union', () => {
    const scenes = digitScenes({ split: 'test', count: 6, seed: 5 });
    const plane = 128 * 128;
    for (let i = 0; i < 6; i++) {
      const image = greyImage(128, 128, (x, y) => scenes.set.images[i * plane + y * 128 + x]!);
      const segmentation = felzenszwalb(image, { k: 100, minSize: 20 });
      for (const measures of FAST_SIMILARITIES) {
        const { initial, hierarchy } = group(segmentation, image, measures);
        const n = initial.count;
        expect(n).toBeGreaterThan(1);
        expect(hierarchy.count).toBe(2 * n - 1);
        expect(Array.from(hierarchy.boxes.subarray(4 * (2 * n - 2)))).toEqual([0, 0, 128, 128]);
        const used = new Set<number>();
        for (let t = n; t < hierarchy.count; t++) {
          const [a, b] = [hierarchy.children[2 * (t - n)]!, hierarchy.children[2 * (t - n) + 1]!];
          expect(a < t && b < t && !used.has(a) && !used.has(b)).toBe(true);
          used.add(a).add(b);
          expect(touching(segmentation, leaves(hierarchy, n, a), leaves(hierarchy, n, b))).toBe(true);
          const box = (r: number) => Array.from(hierarchy.boxes.subarray(4 * r, 4 * r + 4));
          const [boxA, boxB] = [box(a), box(b)];
          expect(box(t)).toEqual([
            Math.min(boxA[0]!, boxB[0]!),
            Math.min(boxA[1]!, boxB[1]!),
            Math.max(boxA[2]!, boxB[2]!),
            Math.max(boxA[3]!, boxB[3]!),
          ]);
          expect(hierarchy.sizes[t]).toBe(hierarchy.sizes[a]! + hierarchy.sizes[b]!);
          expect(hierarchy.levels[t]).toBe(Math.max(hierarchy.levels[a]!, hierarchy.levels[b]!) + 1);
        }
      }
    }
  });

  it('always merges the most similar pair of current neighbours (size and fill, checked naively)', () => {
    const scenes = digitScenes({ split: 'test', count: 3, seed: 9 });
    for (let i = 0; i < 3; i++) {
      const image = greyImage(128, 128, (x, y) => scenes.set.images[i * 128 * 128 + y * 128 + x]!);
      const segmentation = felzenszwalb(image, { k: 50, minSize: 10 });
      const { initial, hierarchy } = group(segmentation, image, { colour: false, size: true, fill: true });
      const n = initial.count;
      const { boxes, sizes } = hierarchy;
      const similarity = (a: number, b: number) =>
        sizeSimilarity(sizes[a]!, sizes[b]!, 128 * 128) +
        fillSimilarity(boxes, a, b, sizes[a]!, sizes[b]!, 128 * 128);
      // Which current region each starting region lies in; two regions touch when two of their starting ones do.
      const owner = Array.from({ length: n }, (_, r) => r);
      for (let t = n; t < hierarchy.count; t++) {
        let best = Number.NEGATIVE_INFINITY;
        for (let e = 0; e < initial.neighbours.length; e += 2) {
          const [a, b] = [owner[initial.neighbours[e]!]!, owner[initial.neighbours[e + 1]!]!];
          if (a !== b) best = Math.max(best, similarity(a, b));
        }
        const [a, b] = [hierarchy.children[2 * (t - n)]!, hierarchy.children[2 * (t - n) + 1]!];
        expect(similarity(a, b)).toBeCloseTo(best, 9);
        for (const r of [...leaves(hierarchy, n, a), ...leaves(hierarchy, n, b)]) owner[r] = t;
      }
    }
  });

  it('keeps the histogram of a merged region equal to the histogram of its pixels', () => {
    const rng = new Rng(3);
    const image = greyImage(16, 16, () => rng.uniform());
    const segmentation = felzenszwalb(image, { k: 20, sigma: 0, minSize: 4 });
    const { initial, hierarchy } = group(segmentation, image, { colour: true, size: true, fill: true });
    const n = initial.count;
    // The last region covers the image: its merged histogram must be the image's own.
    const whole = colourHistograms(
      { labels: new Int32Array(256), count: 1, height: 16, width: 16 },
      image,
      Int32Array.of(256),
    );
    expect(n).toBeGreaterThan(3);
    const values = colourHistograms(segmentation, image, initial.sizes);
    let merged = Array.from({ length: n }, (_, r) => Array.from(values.subarray(r * 25, (r + 1) * 25)));
    for (let t = n; t < hierarchy.count; t++) {
      const [a, b] = [hierarchy.children[2 * (t - n)]!, hierarchy.children[2 * (t - n) + 1]!];
      const [sa, sb] = [hierarchy.sizes[a]!, hierarchy.sizes[b]!];
      merged = [...merged, merged[a]!.map((v, i) => (v * sa + merged[b]![i]! * sb) / (sa + sb))];
    }
    for (const [i, v] of merged[hierarchy.count - 1]!.entries()) expect(v).toBeCloseTo(whole[i]!, 5);
  });
});

import { Rng } from '@ocellus/tensor';
import { felzenszwalb, pixelGraph, segmentGraph } from '@ocellus/vision/proposals';
import { digitScenes } from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import { greyImage, rgbImage } from './proposals-support.js';

/** Two flat halves, `left` for x < split and `right` from it on. */
const halves = (height: number, width: number, split: number, left: number, right: number) =>
  greyImage(height, width, (x) => (x < split ? left : right));

/** Every 8-neighbour pair `[p, q]` of a `height x width` grid, in the graph's construction order. */
function gridPairs(height: number, width: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (const [dx, dy] of [
    [1, 0],
    [0, 1],
    [1, 1],
    [1, -1],
  ] as const) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (x + dx < width && y + dy >= 0 && y + dy < height)
          pairs.push([y * width + x, (y + dy) * width + x + dx]);
      }
    }
  }
  return pairs;
}

describe('pixelGraph', () => {
  it('joins every pixel to its 8 neighbours once, by increasing weight in 0..255 units', () => {
    const image = greyImage(5, 7, (x, y) => (((x * 7 + y * 3) % 11) + x / 100) / 11);
    const graph = pixelGraph(image, 0);
    const found = Array.from(graph.from, (p, e) => `${p}-${graph.to[e]}`);
    expect(found).toHaveLength(4 * 35 - 3 * 7 - 3 * 5 + 2);
    expect(new Set(found)).toEqual(new Set(gridPairs(5, 7).map(([p, q]) => `${p}-${q}`)));
    graph.from.forEach((p, e) => {
      const q = graph.to[e]!;
      expect(graph.weight[e]).toBeCloseTo(255 * Math.abs(image.pixels[p]! - image.pixels[q]!), 3);
      if (e > 0) expect(graph.weight[e]!).toBeGreaterThanOrEqual(graph.weight[e - 1]!);
    });
  });

  it('keeps weight-0 edges as flat patches: the 8-connected components of equal pixels', () => {
    // Two flat squares touching at a corner (one patch), a flat bar, and a ramp of distinct values.
    const image = greyImage(8, 10, (x, y) => {
      if ((x < 2 && y < 2) || (x >= 2 && x < 4 && y >= 2 && y < 4)) return 0.5;
      if (y === 6) return 0.2;
      return 0.6 + (y * 10 + x) / 1000;
    });
    const { flat, from, to } = pixelGraph(image, 0);
    const patch = (x: number, y: number) => flat.parent[y * 10 + x]!;
    expect(patch(0, 0)).toBe(patch(3, 3));
    expect(flat.size[patch(0, 0)]).toBe(8);
    expect(new Set(Array.from({ length: 10 }, (_, x) => patch(x, 6))).size).toBe(1);
    expect(flat.size[patch(0, 6)]).toBe(10);
    expect(patch(5, 0)).toBe(5);
    expect(flat.size[5]).toBe(1);
    // The edges left are exactly the pairs of unequal pixels.
    const unequal = gridPairs(8, 10).filter(([p, q]) => image.pixels[p] !== image.pixels[q]);
    expect(from.length).toBe(unequal.length);
    expect(new Set(Array.from(from, (p, e) => `${p}-${to[e]}`))).toEqual(
      new Set(unequal.map(([p, q]) => `${p}-${q}`)),
    );
  });

  it('weighs colour edges by the Euclidean distance over channels', () => {
    const image = rgbImage(1, 2, (x) => (x === 0 ? [0, 0, 0] : [0.3, 0.4, 0]));
    expect(pixelGraph(image, 0).weight[0]).toBeCloseTo(255 * 0.5, 3);
  });

  it('smooths before weighing: a blurred step has smaller, more spread weights', () => {
    const image = halves(8, 8, 4, 0, 1);
    const sharp = pixelGraph(image, 0).weight;
    const blurred = pixelGraph(image, 0.8).weight;
    expect(Math.max(...sharp)).toBeCloseTo(255, 3);
    expect(Math.max(...blurred)).toBeLessThan(200);
    expect(blurred.filter((w) => w > 1).length).toBeGreaterThan(sharp.filter((w) => w > 1).length);
  });
});

/**
 * Algorithm 1 and the min-size pass as the reference `segment-graph.h` runs them on an unsmoothed
 * grey image: every 8-neighbour edge stably sorted by weight, plain union-find, no shortcut;
 * labels numbered in raster order.
 */
function referenceSegmentation(image: ReturnType<typeof greyImage>, k: number, minSize: number): Int32Array {
  const { pixels, height, width } = image;
  const parent = Array.from(pixels, (_, p) => p);
  const size: number[] = new Array(pixels.length).fill(1);
  const threshold: number[] = new Array(pixels.length).fill(k);
  const root = (p: number): number => (parent[p] === p ? p : root(parent[p]!));
  const edges = gridPairs(height, width)
    .map(([p, q]) => {
      const d = pixels[p]! - pixels[q]!;
      return [p, q, Math.fround(255 * Math.sqrt(d * d))] as const;
    })
    .sort((a, b) => a[2] - b[2]);
  for (const [p, q, w] of edges) {
    const [a, b] = [root(p), root(q)];
    if (a !== b && w <= threshold[a]! && w <= threshold[b]!) {
      parent[b] = a;
      size[a]! += size[b]!;
      threshold[a] = w + k / size[a]!;
    }
  }
  for (const [p, q] of edges) {
    const [a, b] = [root(p), root(q)];
    if (a !== b && (size[a]! < minSize || size[b]! < minSize)) {
      parent[b] = a;
      size[a]! += size[b]!;
    }
  }
  const labelOf = new Map<number, number>();
  return Int32Array.from(parent, (_, p) => {
    const r = root(p);
    if (!labelOf.has(r)) labelOf.set(r, labelOf.size);
    return labelOf.get(r)!;
  });
}

describe('felzenszwalb', () => {
  it('segments exactly as the reference loop over every edge does', () => {
    const rng = new Rng(4);
    const scene = digitScenes({ split: 'test', count: 1, seed: 2 }).set.images;
    const images = [
      // A digit scene's corner: flat black with anti-aliased digits.
      greyImage(48, 48, (x, y) => scene[y * 128 + x]!),
      // Few grey levels: flat patches and many equal weights.
      greyImage(24, 24, () => Math.floor(rng.uniform() * 3) / 2),
      greyImage(24, 24, (x, y) => (Math.sin(x / 3) + Math.cos(y / 4) + 2) / 4),
    ];
    let compared = 0;
    for (const image of images) {
      const graph = pixelGraph(image, 0);
      for (const k of [20, 100, 300]) {
        for (const minSize of [1, 10]) {
          const expected = referenceSegmentation(image, k, minSize);
          expect(segmentGraph(graph, k, minSize).labels).toEqual(expected);
          if (Math.max(...expected) > 1) compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(8);
  });

  it('splits two flat regions at the edge between them', () => {
    const { labels, count } = felzenszwalb(halves(12, 16, 7, 0.1, 0.9), { k: 100, sigma: 0, minSize: 1 });
    expect(count).toBe(2);
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 16; x++) expect(labels[y * 16 + x]).toBe(x < 7 ? 0 : 1);
    }
    // Smoothed, the step becomes a ramp of thin components that minSize folds into either side.
    const smoothed = felzenszwalb(halves(12, 16, 7, 0.1, 0.9), { k: 100, sigma: 0.8, minSize: 20 });
    expect(smoothed.count).toBe(2);
    for (let y = 0; y < 12; y++) {
      expect(smoothed.labels[y * 16 + 5]).toBe(0);
      expect(smoothed.labels[y * 16 + 8]).toBe(1);
    }
  });

  it('joins across an edge only when its weight is at most Int(C) + k / |C| on both sides', () => {
    // Halves of 200 pixels differing by 0.1 (25.5 levels): they join once k / 200 reaches 25.5.
    const image = halves(10, 40, 20, 0.4, 0.5);
    expect(felzenszwalb(image, { k: 5050, sigma: 0, minSize: 1 }).count).toBe(2);
    expect(felzenszwalb(image, { k: 5150, sigma: 0, minSize: 1 }).count).toBe(1);
  });

  it('gives fewer, larger components as k grows', () => {
    const image = greyImage(32, 32, (x, y) => (Math.sin(x * 0.9) * Math.cos(y * 0.7) + 1) / 2);
    const counts = [10, 50, 150, 300, 1000].map((k) => felzenszwalb(image, { k, minSize: 1 }).count);
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeLessThanOrEqual(counts[i - 1]!);
    expect(counts[0]!).toBeGreaterThan(3 * counts[counts.length - 1]!);
  });

  it('merges components smaller than minSize into a neighbour', () => {
    const image = greyImage(20, 20, (x, y) => (x >= 5 && x < 8 && y >= 5 && y < 8 ? 1 : 0));
    const kept = felzenszwalb(image, { k: 50, sigma: 0, minSize: 9 });
    expect(kept.count).toBe(2);
    expect(kept.labels.filter((l) => l === kept.labels[6 * 20 + 6]).length).toBe(9);
    expect(felzenszwalb(image, { k: 50, sigma: 0, minSize: 10 }).count).toBe(1);
  });

  it('numbers components 0..count-1 in raster order of first appearance', () => {
    const image = greyImage(16, 16, (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 3) / 2);
    const { labels, count } = felzenszwalb(image, { k: 20, sigma: 0, minSize: 1 });
    let next = 0;
    for (const label of labels) {
      expect(label).toBeLessThanOrEqual(next);
      if (label === next) next++;
    }
    expect(next).toBe(count);
    expect(count).toBeGreaterThan(3);
  });

  it('separates regions that differ in one colour channel only', () => {
    const image = rgbImage(8, 8, (x) => (x < 4 ? [0.5, 0.2, 0.1] : [0.5, 0.2, 0.9]));
    expect(felzenszwalb(image, { k: 100, sigma: 0, minSize: 1 }).count).toBe(2);
  });

  it('segments the same sorted graph at every k as a fresh call does', () => {
    const image = greyImage(24, 24, (x, y) => ((x * y) % 11) / 10);
    const graph = pixelGraph(image, 0.8);
    for (const k of [50, 300]) {
      expect(segmentGraph(graph, k, 5).labels).toEqual(felzenszwalb(image, { k, minSize: 5 }).labels);
    }
  });

  it('rejects a negative k, a minSize below 1 and planes of the wrong length', () => {
    const image = greyImage(4, 4, () => 0);
    expect(() => felzenszwalb(image, { k: -1 })).toThrow(/k must be/);
    expect(() => felzenszwalb(image, { k: 10, minSize: 0 })).toThrow(/minSize/);
    expect(() => felzenszwalb({ ...image, height: 5 }, { k: 10 })).toThrow(/need 20 values, got 16/);
  });
});

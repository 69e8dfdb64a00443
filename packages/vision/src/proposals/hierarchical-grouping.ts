import { PairQueue } from './pair-queue.js';
import type { InitialRegions } from './regions.js';
import {
  fillSimilarity,
  histogramIntersection,
  type SimilarityMeasures,
  sizeSimilarity,
} from './similarity.js';

/** One L1-normalised histogram per initial region, `count x length` row-major. */
export interface RegionHistograms {
  values: Float32Array;
  length: number;
}

/**
 * Every region of one hierarchy: the `n` initial regions, then the `n - 1` merged ones in merge
 * order. `levels` is 1 for an initial region and one
 * more than the higher of its two parts for a merged one, the height OpenCV ranks by.
 */
export interface Hierarchy {
  count: number;
  /** `[x1, y1, x2, y2]` per region, x2 and y2 exclusive. */
  boxes: Int32Array;
  levels: Int32Array;
  sizes: Int32Array;
  /** The two regions merged into region `n + i` at `2i` and `2i + 1`. */
  children: Int32Array;
}

/**
 * Hierarchical grouping (Uijlings et al. 2013, Algorithm 1): the two most similar neighbouring
 * regions merge into a new region (box the union of theirs, colour histogram their size-weighted
 * mean, neighbours both's) until one region covers the image. Only neighbours ever merge.
 */
export function hierarchicalGrouping(
  initial: InitialRegions,
  colour: RegionHistograms,
  measures: Readonly<SimilarityMeasures>,
  imageSize: number,
): Hierarchy {
  const n = initial.count;
  const capacity = Math.max(1, 2 * n - 1);
  const sizes = new Int32Array(capacity);
  sizes.set(initial.sizes);
  const boxes = new Int32Array(4 * capacity);
  boxes.set(initial.boxes);
  const levels = new Int32Array(capacity).fill(1, 0, n);
  const { length } = colour;
  const histograms = new Float32Array(measures.colour ? capacity * length : 0);
  if (measures.colour) histograms.set(colour.values);
  const similarity = (a: number, b: number) =>
    (measures.colour ? histogramIntersection(histograms, length, a, b) : 0) +
    (measures.size ? sizeSimilarity(sizes[a]!, sizes[b]!, imageSize) : 0) +
    (measures.fill ? fillSimilarity(boxes, a, b, sizes[a]!, sizes[b]!, imageSize) : 0);
  const neighbours = Array.from({ length: capacity }, () => new Set<number>());
  const queue = new PairQueue();
  for (let i = 0; i < initial.neighbours.length; i += 2) {
    const [a, b] = [initial.neighbours[i]!, initial.neighbours[i + 1]!];
    neighbours[a]!.add(b);
    neighbours[b]!.add(a);
    queue.push(similarity(a, b), a, b);
  }
  const merged = new Uint8Array(capacity);
  const children = new Int32Array(2 * (capacity - n));
  let count = n;
  while (queue.size > 0) {
    const [a, b] = queue.pop();
    if (merged[a] || merged[b]) continue;
    const t = count++;
    merged[a] = merged[b] = 1;
    children.set([a, b], 2 * (t - n));
    const [sizeA, sizeB] = [sizes[a]!, sizes[b]!];
    sizes[t] = sizeA + sizeB;
    levels[t] = Math.max(levels[a]!, levels[b]!) + 1;
    for (let c = 0; c < 4; c++) {
      boxes[4 * t + c] = (c < 2 ? Math.min : Math.max)(boxes[4 * a + c]!, boxes[4 * b + c]!);
    }
    if (measures.colour) {
      // As the paper propagates it: the union's histogram is the size-weighted mean of its parts'.
      for (let i = 0; i < length; i++) {
        histograms[t * length + i] =
          (histograms[a * length + i]! * sizeA + histograms[b * length + i]! * sizeB) / sizes[t]!;
      }
    }
    const around = neighbours[t]!;
    for (const r of [...neighbours[a]!, ...neighbours[b]!]) if (r !== a && r !== b) around.add(r);
    neighbours[a]!.clear();
    neighbours[b]!.clear();
    for (const r of around) {
      neighbours[r]!.delete(a);
      neighbours[r]!.delete(b);
      neighbours[r]!.add(t);
      queue.push(similarity(t, r), t, r);
    }
  }
  return {
    count,
    boxes: boxes.subarray(0, 4 * count),
    levels: levels.subarray(0, count),
    sizes: sizes.subarray(0, count),
    children: children.subarray(0, 2 * (count - n)),
  };
}

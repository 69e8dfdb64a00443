import { gaussianBlur } from '../augment/gaussian-blur.js';
import { find, join, singletons } from './disjoint-set.js';
import { type ImagePlanes, plane } from './planes.js';

/**
 * The 8-connected grid graph of a smoothed image (Felzenszwalb & Huttenlocher 2004, section 4.1):
 * one edge from every pixel to its right, lower, lower-right and upper-right neighbour, weighted
 * by the Euclidean distance of the two pixels' channel values in 0..255 units, so that `k` keeps
 * the paper's scale. Edges are sorted by increasing weight; the graph does not depend on `k`, so
 * selective search sorts it once per colour space and segments it at every `k`.
 */
export interface PixelGraph {
  height: number;
  width: number;
  /** Endpoints (pixel indices `y * width + x`) and weights of each edge, by increasing weight. */
  from: Int32Array;
  to: Int32Array;
  weight: Float32Array;
  /**
   * The flat patches: components of the first `edges` edges, those of weight 0, as a union-find
   * forest whose every pixel points at its root, with each root's size. They join at every `k`.
   */
  flat: { edges: number; parent: Int32Array; size: Int32Array };
}

/** The components of the leading weight-0 edges, each pixel pointing straight at its root. */
function flatPatches(from: Int32Array, to: Int32Array, weight: Float32Array, n: number): PixelGraph['flat'] {
  const { parent, size } = singletons(n);
  let edges = 0;
  for (; edges < weight.length && weight[edges] === 0; edges++) {
    const a = find(parent, from[edges]!);
    const b = find(parent, to[edges]!);
    if (a !== b) join(parent, size, a, b);
  }
  for (let p = 0; p < n; p++) parent[p] = find(parent, p);
  return { edges, parent, size };
}

const OFFSETS = [
  [1, 0],
  [0, 1],
  [1, 1],
  [1, -1],
] as const;

/**
 * Radix digits of 11 bits: three passes of 2,048 counters. 16-bit digits would clear and sum
 * 65,536 counters a pass, more than the few thousand non-zero edges of a digit scene.
 */
const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/**
 * The edges' order by increasing weight, ties in edge order: the weight-0 edges first (nine in
 * ten on a digit scene's flat background), then a stable LSD radix sort of the others on their
 * float32 bits, which sort as unsigned integers because no weight is negative. On 128x128 digit
 * scenes a radix sort of every edge was 6-9x faster than `Array.prototype.sort` with a comparator.
 */
function sortByWeight(weight: Float32Array): Int32Array {
  const keys = new Uint32Array(weight.buffer, weight.byteOffset, weight.length);
  const sorted = new Int32Array(keys.length);
  let zeros = 0;
  for (let e = 0; e < keys.length; e++) if (keys[e] === 0) sorted[zeros++] = e;
  let order = new Int32Array(keys.length - zeros);
  let i = 0;
  for (let e = 0; e < keys.length; e++) if (keys[e] !== 0) order[i++] = e;
  let next = new Int32Array(order.length);
  const counts = new Int32Array(RADIX);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (const e of order) counts[(keys[e]! >>> shift) & (RADIX - 1)]!++;
    let start = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b]!;
      counts[b] = start;
      start += c;
    }
    for (const e of order) next[counts[(keys[e]! >>> shift) & (RADIX - 1)]!++] = e;
    [order, next] = [next, order];
  }
  sorted.set(order, zeros);
  return sorted;
}

/** The sorted 8-connected graph of `image` after a Gaussian blur of `sigma` per channel (none when `sigma <= 0`). */
export function pixelGraph(image: ImagePlanes, sigma: number): PixelGraph {
  const { channels, height, width } = image;
  const n = height * width;
  const smoothed = new Float32Array(channels * n);
  for (let c = 0; c < channels; c++) smoothed.set(gaussianBlur(plane(image, c), width, height, sigma), c * n);
  const capacity = 4 * n;
  const from = new Int32Array(capacity);
  const to = new Int32Array(capacity);
  const weight = new Float32Array(capacity);
  let count = 0;
  for (const [dx, dy] of OFFSETS) {
    const step = dy * width + dx;
    for (let y = Math.max(0, -dy); y < height - Math.max(0, dy); y++) {
      for (let p = y * width; p < (y + 1) * width - dx; p++) {
        let squared = 0;
        for (let o = 0; o < smoothed.length; o += n) {
          const d = smoothed[o + p]! - smoothed[o + p + step]!;
          squared += d * d;
        }
        from[count] = p;
        to[count] = p + step;
        weight[count++] = 255 * Math.sqrt(squared);
      }
    }
  }
  const order = sortByWeight(weight.subarray(0, count));
  const sorted = { from: new Int32Array(count), to: new Int32Array(count), weight: new Float32Array(count) };
  for (let i = 0; i < count; i++) {
    const e = order[i]!;
    sorted.from[i] = from[e]!;
    sorted.to[i] = to[e]!;
    sorted.weight[i] = weight[e]!;
  }
  return { height, width, ...sorted, flat: flatPatches(sorted.from, sorted.to, sorted.weight, n) };
}

import type { Segmentation } from './felzenszwalb.js';

/** The segments of a segmentation as selective search starts from them. */
export interface InitialRegions {
  count: number;
  /** Pixels per segment. */
  sizes: Int32Array;
  /** `[x1, y1, x2, y2]` per segment, x2 and y2 exclusive (`max col + 1`, `max row + 1`) like the scene boxes. */
  boxes: Int32Array;
  /** Each pair of 8-connected neighbouring segments once, `[a, b]` with `a < b`, flat. */
  neighbours: Int32Array;
}

/** The sizes, boxes and neighbour pairs of every segment, in one pass over the labels. */
export function initialRegions(segmentation: Segmentation): InitialRegions {
  const { labels, count, height, width } = segmentation;
  const sizes = new Int32Array(count);
  const boxes = new Int32Array(4 * count);
  for (let r = 0; r < count; r++) boxes.set([width, height, 0, 0], 4 * r);
  const pairs = new Set<number>();
  const pair = (a: number, q: number) => {
    const b = labels[q]!;
    if (b !== a) pairs.add(a < b ? a * count + b : b * count + a);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const a = labels[p]!;
      sizes[a]!++;
      const box = 4 * a;
      if (x < boxes[box]!) boxes[box] = x;
      if (y < boxes[box + 1]!) boxes[box + 1] = y;
      if (x >= boxes[box + 2]!) boxes[box + 2] = x + 1;
      if (y >= boxes[box + 3]!) boxes[box + 3] = y + 1;
      // The graph's 8-connectivity: right, down, down-right and up-right.
      if (x + 1 < width) {
        pair(a, p + 1);
        if (y + 1 < height) pair(a, p + width + 1);
        if (y > 0) pair(a, p - width + 1);
      }
      if (y + 1 < height) pair(a, p + width);
    }
  }
  const neighbours = new Int32Array(2 * pairs.size);
  let i = 0;
  for (const key of [...pairs].sort((p, q) => p - q)) {
    neighbours[i++] = Math.floor(key / count);
    neighbours[i++] = key % count;
  }
  return { count, sizes, boxes, neighbours };
}

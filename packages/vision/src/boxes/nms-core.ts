import type { FlatBoxes } from './flat.js';

/** `(x2 - x1) * (y2 - y1)` of every box, as torchvision's CPU nms kernel computes `areas`. */
export function boxAreas(boxes: FlatBoxes): Float64Array {
  const areas = new Float64Array(boxes.length / 4);
  for (let i = 0; i < areas.length; i++) {
    areas[i] = (boxes[i * 4 + 2]! - boxes[i * 4]!) * (boxes[i * 4 + 3]! - boxes[i * 4 + 1]!);
  }
  return areas;
}

/**
 * The greedy loop of torchvision's CPU nms kernel over `order[start..end)`: each box not yet
 * suppressed is kept and suppresses every later box whose IoU with it is strictly greater than
 * `iouThreshold`. An empty union gives NaN, which suppresses nothing, as in the kernel. It stops once
 * `limit` boxes are kept: the boxes after the last kept one are then left unjudged, not kept.
 */
export function suppressOverlaps(
  boxes: FlatBoxes,
  areas: Float64Array,
  order: readonly number[],
  start: number,
  end: number,
  iouThreshold: number,
  suppressed: Uint8Array,
  limit = Number.POSITIVE_INFINITY,
): void {
  const ranked = rankedBoxes(boxes, areas, order, start, end, suppressed);
  const count = end - start;
  // An IoU of 0 (or 0 / 0) is above no threshold of 0 or more: boxes apart in x need no division.
  const disjointSurvive = iouThreshold >= 0;
  let kept = 0;
  for (let a = 0; a < count && kept < limit; a++) {
    if (ranked.dead[a]) continue;
    kept++;
    const ix1 = ranked.coords[5 * a]!;
    const iy1 = ranked.coords[5 * a + 1]!;
    const ix2 = ranked.coords[5 * a + 2]!;
    const iy2 = ranked.coords[5 * a + 3]!;
    const iarea = ranked.coords[5 * a + 4]!;
    for (let b = a + 1; b < count; b++) {
      if (ranked.dead[b]) continue;
      const c = 5 * b;
      const w = Math.max(0, Math.min(ix2, ranked.coords[c + 2]!) - Math.max(ix1, ranked.coords[c]!));
      if (w === 0 && disjointSurvive) continue;
      const h = Math.max(0, Math.min(iy2, ranked.coords[c + 3]!) - Math.max(iy1, ranked.coords[c + 1]!));
      const inter = w * h;
      if (inter / (iarea + ranked.coords[c + 4]! - inter) > iouThreshold) ranked.dead[b] = 1;
    }
  }
  for (let a = 0; a < count; a++) if (ranked.dead[a]) suppressed[order[start + a]!] = 1;
}

/**
 * `order[start..end)`'s boxes in rank order, five float64s each (x1, y1, x2, y2, area), beside whether each
 * is suppressed already: the greedy loop then reads memory in sequence instead of through `order`.
 */
function rankedBoxes(
  boxes: FlatBoxes,
  areas: Float64Array,
  order: readonly number[],
  start: number,
  end: number,
  suppressed: Uint8Array,
): { coords: Float64Array; dead: Uint8Array } {
  const coords = new Float64Array(5 * (end - start));
  const dead = new Uint8Array(end - start);
  for (let a = 0; a < end - start; a++) {
    const i = order[start + a]!;
    for (let k = 0; k < 4; k++) coords[5 * a + k] = boxes[4 * i + k]!;
    coords[5 * a + 4] = areas[i]!;
    dead[a] = suppressed[i]!;
  }
  return { coords, dead };
}

/** The entries of `order` that were not suppressed, in `order`'s order. */
export function survivors(order: readonly number[], suppressed: Uint8Array): Int32Array {
  let count = 0;
  for (const i of order) if (!suppressed[i]) count++;
  const keep = new Int32Array(count);
  let k = 0;
  for (const i of order) if (!suppressed[i]) keep[k++] = i;
  return keep;
}

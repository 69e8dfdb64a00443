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
 * `iouThreshold`. An empty union gives NaN, which suppresses nothing, as in the kernel.
 */
export function suppressOverlaps(
  boxes: FlatBoxes,
  areas: Float64Array,
  order: readonly number[],
  start: number,
  end: number,
  iouThreshold: number,
  suppressed: Uint8Array,
): void {
  for (let a = start; a < end; a++) {
    const i = order[a]!;
    if (suppressed[i]) continue;
    const ix1 = boxes[i * 4]!;
    const iy1 = boxes[i * 4 + 1]!;
    const ix2 = boxes[i * 4 + 2]!;
    const iy2 = boxes[i * 4 + 3]!;
    const iarea = areas[i]!;
    for (let b = a + 1; b < end; b++) {
      const j = order[b]!;
      if (suppressed[j]) continue;
      const w = Math.max(0, Math.min(ix2, boxes[j * 4 + 2]!) - Math.max(ix1, boxes[j * 4]!));
      const h = Math.max(0, Math.min(iy2, boxes[j * 4 + 3]!) - Math.max(iy1, boxes[j * 4 + 1]!));
      const inter = w * h;
      if (inter / (iarea + areas[j]! - inter) > iouThreshold) suppressed[j] = 1;
    }
  }
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

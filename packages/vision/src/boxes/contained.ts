import { boxCount, type FlatBoxes } from './flat.js';

/**
 * Suppression of boxes that lie mostly inside a better box of their class, for detections already
 * through NMS: `order` lists the candidates by decreasing score; a candidate is dropped when at least
 * `fraction` of its own area lies inside a kept box of the same class. It removes what IoU-based NMS keeps:
 * a box around part of an object (the loop of a 9 inside the 9's box) has a small IoU with the whole.
 * Returns the kept indices in `order`'s order.
 */
export function suppressContained(
  boxes: FlatBoxes,
  classIndices: ArrayLike<number>,
  order: ArrayLike<number>,
  fraction: number,
): Int32Array {
  const n = boxCount(boxes, 'suppressContained');
  if (classIndices.length !== n) {
    throw new RangeError(`suppressContained: ${n} boxes and ${classIndices.length} class indices`);
  }
  if (!(fraction > 0 && fraction <= 1)) {
    throw new RangeError(`suppressContained: fraction must be in (0, 1], got ${fraction}`);
  }
  const kept: number[] = [];
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    const [x1, y1, x2, y2] = [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!];
    const area = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    const inside = kept.some((k) => {
      if (classIndices[k] !== classIndices[i]) return false;
      const w = Math.min(x2, boxes[4 * k + 2]!) - Math.max(x1, boxes[4 * k]!);
      const h = Math.min(y2, boxes[4 * k + 3]!) - Math.max(y1, boxes[4 * k + 1]!);
      return w > 0 && h > 0 && w * h >= fraction * area;
    });
    if (!inside) kept.push(i);
  }
  return Int32Array.from(kept);
}

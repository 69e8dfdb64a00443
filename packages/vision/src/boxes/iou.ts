import type { Box } from '@ocellus/contracts';

/** `(x2 - x1) * (y2 - y1)` on continuous coordinates (no +1), as torchvision's `box_area`. */
export function boxArea(box: Readonly<Box>): number {
  return (box[2] - box[0]) * (box[3] - box[1]);
}

/** |A ∩ B| / |A ∪ B| (torchvision `box_iou`); 0 when the union is empty. */
export function boxIou(a: Readonly<Box>, b: Readonly<Box>): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const intersection = w > 0 && h > 0 ? w * h : 0;
  const union = boxArea(a) + boxArea(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

/** IoU of every pair, row-major `as.length x bs.length`: entry `i * bs.length + j` is `boxIou(as[i], bs[j])`. */
export function pairwiseIou(as: readonly Readonly<Box>[], bs: readonly Readonly<Box>[]): Float64Array {
  const out = new Float64Array(as.length * bs.length);
  for (let i = 0; i < as.length; i++) {
    for (let j = 0; j < bs.length; j++) out[i * bs.length + j] = boxIou(as[i]!, bs[j]!);
  }
  return out;
}

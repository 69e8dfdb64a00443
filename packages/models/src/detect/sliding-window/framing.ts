import type { Box } from '@ocellus/contracts';
import { boxIou } from '@ocellus/vision/boxes';

/** A square window in image pixels: top-left corner and side. */
export interface Window {
  x: number;
  y: number;
  side: number;
}

export const windowBox = ({ x, y, side }: Window): Box => [x, y, x + side, y + side];

/** The square window that frames `box` the way a training window does: centred, the box filling `fill` of it. */
export function framingWindow(box: Readonly<Box>, fill: number): Window {
  const side = Math.max(box[2] - box[0], box[3] - box[1]) / fill;
  return { x: (box[0] + box[2] - side) / 2, y: (box[1] + box[3] - side) / 2, side };
}

/** What a window is trained as: the object it frames (index into the image's objects), background, or neither. */
export type WindowLabel = { kind: 'object'; object: number } | { kind: 'background' } | { kind: 'ignore' };

export interface LabelRule {
  positiveIou: number;
  negativeIou: number;
}

/** The object whose framing window overlaps `window` most, if at least `positiveIou`; background below `negativeIou`. */
export function labelWindow(window: Window, framings: readonly Window[], rule: LabelRule): WindowLabel {
  let best = -1;
  let bestIou = 0;
  const box = windowBox(window);
  framings.forEach((framing, i) => {
    const iou = boxIou(box, windowBox(framing));
    if (iou > bestIou) {
      bestIou = iou;
      best = i;
    }
  });
  if (best >= 0 && bestIou >= rule.positiveIou) return { kind: 'object', object: best };
  return bestIou < rule.negativeIou ? { kind: 'background' } : { kind: 'ignore' };
}

/**
 * The box code a window regresses: the object's centre and size as fractions of the window,
 * `[(cx - x) / side, (cy - y) / side, w / side, h / side]`.
 */
export function encodeInWindow(box: Readonly<Box>, window: Window, out: Float32Array, at: number): void {
  const { x, y, side } = window;
  out[at] = ((box[0] + box[2]) / 2 - x) / side;
  out[at + 1] = ((box[1] + box[3]) / 2 - y) / side;
  out[at + 2] = (box[2] - box[0]) / side;
  out[at + 3] = (box[3] - box[1]) / side;
}

/** The inverse of `encodeInWindow` for a window `width x height` at (x, y) (a negative size collapses to a point). */
export function decodeInWindow(
  code: readonly number[],
  window: { x: number; y: number; width: number; height: number },
): Box {
  const { x, y, width, height } = window;
  const cx = x + code[0]! * width;
  const cy = y + code[1]! * height;
  const w = Math.max(code[2]! * width, 0);
  const h = Math.max(code[3]! * height, 0);
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

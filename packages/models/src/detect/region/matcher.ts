import type { Box } from '@ocellus/contracts';
import { pairwiseIou } from '@ocellus/vision/boxes';

/** `match[i]` of `matchBoxes`: the object box `i` belongs to, or one of these. */
export const BACKGROUND = -1;
export const IGNORED = -2;

export interface MatchOptions {
  /** IoU at or above which a box is matched to its best object. */
  fgIou: number;
  /** IoU below which a box is background; between the two it is ignored. */
  bgIou: number;
  /**
   * Also match, to each object, the boxes that overlap it most (ties included) whatever their IoU, so no
   * object is left without a positive (torchvision's `allow_low_quality_matches`, the RPN's rule).
   */
  lowQuality: boolean;
}

/**
 * torchvision's `Matcher`: each box takes the object it overlaps most if that IoU reaches `fgIou`, is
 * background below `bgIou`, ignored in between. With no objects every box is background.
 */
export function matchBoxes(
  boxes: readonly Readonly<Box>[],
  objects: readonly Readonly<Box>[],
  options: MatchOptions,
): Int32Array {
  const match = new Int32Array(boxes.length).fill(BACKGROUND);
  if (objects.length === 0) return match;
  const iou = pairwiseIou(boxes, objects);
  const m = objects.length;
  const bestOf = new Int32Array(boxes.length);
  for (let i = 0; i < boxes.length; i++) {
    let best = 0;
    for (let j = 1; j < m; j++) if (iou[i * m + j]! > iou[i * m + best]!) best = j;
    const value = iou[i * m + best]!;
    bestOf[i] = best;
    match[i] = value >= options.fgIou ? best : value < options.bgIou ? BACKGROUND : IGNORED;
  }
  if (options.lowQuality) {
    for (let j = 0; j < m; j++) {
      let top = 0;
      for (let i = 0; i < boxes.length; i++) top = Math.max(top, iou[i * m + j]!);
      if (top === 0) continue;
      // torchvision gives such a box its own best object, which need not be this one.
      for (let i = 0; i < boxes.length; i++) if (iou[i * m + j] === top) match[i] = bestOf[i]!;
    }
  }
  return match;
}

import { topK } from '../outputs/top-k.js';
import { boxCount, type FlatBoxes } from './flat.js';
import { boxAreas, suppressOverlaps, survivors } from './nms-core.js';

/**
 * Per-class non-maximum suppression (torchvision `ops.batched_nms`): boxes of different
 * `classIndices` never suppress each other. Returns the kept indices of all classes by decreasing
 * score, equal scores lower index first, with the semantics of `nms` within each class.
 */
export function batchedNms(
  boxes: FlatBoxes,
  scores: ArrayLike<number>,
  classIndices: ArrayLike<number>,
  iouThreshold: number,
): Int32Array {
  const n = boxCount(boxes, 'batchedNms');
  if (scores.length !== n || classIndices.length !== n) {
    throw new RangeError(
      `batchedNms: ${n} boxes, ${scores.length} scores and ${classIndices.length} class indices`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(classIndices[i])) {
      throw new RangeError(`batchedNms: class index ${classIndices[i]} of box ${i} is not an integer`);
    }
  }
  const order = topK(scores, n);
  // Array.prototype.sort is stable, so each class's run stays in score order.
  const byClass = order.slice().sort((a, b) => classIndices[a]! - classIndices[b]!);
  const areas = boxAreas(boxes);
  const suppressed = new Uint8Array(n);
  for (let start = 0, end = 0; start < n; start = end) {
    const cls = classIndices[byClass[start]!];
    do end++;
    while (end < n && classIndices[byClass[end]!] === cls);
    suppressOverlaps(boxes, areas, byClass, start, end, iouThreshold, suppressed);
  }
  return survivors(order, suppressed);
}

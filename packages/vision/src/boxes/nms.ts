import { topK } from '../outputs/top-k.js';
import { boxCount, type FlatBoxes } from './flat.js';
import { boxAreas, suppressOverlaps, survivors } from './nms-core.js';

/**
 * Non-maximum suppression (torchvision `ops.nms`): indices of the kept boxes, by decreasing
 * score. A box is dropped when its IoU with a kept, higher-ranked box is strictly greater than
 * `iouThreshold`. Equal scores rank the lower index first: torchvision's stable order, which its
 * CPU kernel (`std::sort`) follows for up to 16 boxes and leaves undefined beyond. Arithmetic is
 * float64 whatever the storage; torch computes float32 boxes in float32. With `limit`, the first
 * `limit` of those indices, found without judging the boxes ranked after the last of them.
 */
export function nms(
  boxes: FlatBoxes,
  scores: ArrayLike<number>,
  iouThreshold: number,
  limit = Number.POSITIVE_INFINITY,
): Int32Array {
  const n = boxCount(boxes, 'nms');
  if (scores.length !== n) throw new RangeError(`nms: ${n} boxes but ${scores.length} scores`);
  const order = topK(scores, n);
  const suppressed = new Uint8Array(n);
  suppressOverlaps(boxes, boxAreas(boxes), order, 0, n, iouThreshold, suppressed, limit);
  const kept = survivors(order, suppressed);
  return kept.length > limit ? kept.subarray(0, limit) : kept;
}

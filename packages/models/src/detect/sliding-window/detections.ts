import { batchedNms } from '@ocellus/vision/boxes';
import type { Detection } from '../../types.js';
import { decodeInWindow } from './framing.js';
import type { Candidate } from './pyramid.js';

/** At most this many candidates, the best, go into NMS (it compares every pair). */
const PRE_NMS = 2000;

/** Candidates to detections: boxes decoded from their windows and clipped, per-class NMS, the best `limit` kept. */
export function detectionsOf(
  candidates: readonly Candidate[],
  image: { width: number; height: number },
  options: { nmsIou: number; limit: number },
): Detection[] {
  const best = [...candidates].sort((a, b) => b.score - a.score).slice(0, PRE_NMS);
  const boxes = new Float64Array(4 * best.length);
  best.forEach((candidate, i) => {
    const [x1, y1, x2, y2] = decodeInWindow(candidate.code, candidate);
    boxes[4 * i] = Math.min(Math.max(x1, 0), image.width);
    boxes[4 * i + 1] = Math.min(Math.max(y1, 0), image.height);
    boxes[4 * i + 2] = Math.min(Math.max(x2, 0), image.width);
    boxes[4 * i + 3] = Math.min(Math.max(y2, 0), image.height);
  });
  const keep = batchedNms(
    boxes,
    best.map((c) => c.score),
    best.map((c) => c.index),
    options.nmsIou,
  );
  return Array.from(keep.subarray(0, options.limit), (i) => ({
    index: best[i]!.index,
    score: best[i]!.score,
    box: [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!],
  }));
}

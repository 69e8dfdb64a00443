import type { Tensor } from '@ocellus/tensor';
import type { TaskOutputs } from '../types.js';

/** Each row of `scores` [N, classes] as one image's classification output. */
export function scoreRows(scores: Tensor): TaskOutputs['classify'][] {
  const [n, classes] = scores.shape as [number, number];
  const values = scores.values();
  return Array.from({ length: n }, (_, i) => ({
    scores: Float32Array.from(values.subarray(i * classes, (i + 1) * classes)),
  }));
}

import { Tensor } from '@ocellus/tensor';
import type { TaskOutputs } from '../types.js';

/**
 * A detector's outputs as tensors: `boxes` [N, D, 4] in model-input pixels, `scores` [N, D] and `classes`
 * [N, D], D = `limit`, each image's detections first and the rest padded with score 0 and class -1.
 */
export function detectionTensors(
  outputs: readonly TaskOutputs['detect'][],
  limit: number,
): Record<string, Tensor> {
  const n = outputs.length;
  const boxes = new Float32Array(n * limit * 4);
  const scores = new Float32Array(n * limit);
  const classes = new Float32Array(n * limit).fill(-1);
  outputs.forEach(({ detections }, i) => {
    detections.slice(0, limit).forEach(({ index, score, box }, j) => {
      boxes.set(box, (i * limit + j) * 4);
      scores[i * limit + j] = score;
      classes[i * limit + j] = index;
    });
  });
  return {
    boxes: new Tensor(boxes, [n, limit, 4]),
    scores: new Tensor(scores, [n, limit]),
    classes: new Tensor(classes, [n, limit]),
  };
}

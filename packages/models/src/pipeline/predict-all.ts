import type { Task } from '@ocellus/contracts';
import { gatherBatch } from '@ocellus/vision/datasets';
import type { TaskOutputs, TaskTargets, TrainingData, VisionModel } from '../types.js';

/** The model's outputs on the images at `indices` of the data, in batches, with their targets. */
export function predictAll<T extends Task>(
  model: VisionModel<T>,
  data: TrainingData<T>,
  indices: Int32Array,
  batchSize = 256,
): { outputs: TaskOutputs[T][]; targets: TaskTargets[T][] } {
  const outputs: TaskOutputs[T][] = [];
  for (let start = 0; start < indices.length; start += batchSize) {
    const chunk = indices.subarray(start, start + batchSize);
    outputs.push(...model.predict(gatherBatch(data.set, chunk).inputs));
  }
  return { outputs, targets: data.targets(indices) };
}

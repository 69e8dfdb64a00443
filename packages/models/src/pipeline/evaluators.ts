import type { Task } from '@ocellus/contracts';
import type { TrainingData, VisionModel } from '../types.js';
import { predictAll } from './predict-all.js';
import { type Scorer, scorers, type TaskEvaluation } from './scorers/index.js';

export type { TaskEvaluation } from './scorers/index.js';

/** Scores `model` on the images at `indices` of `data` with its task's evaluator. */
export function evaluateModel<T extends Task>(
  model: VisionModel<T>,
  data: TrainingData<T>,
  indices: Int32Array,
): TaskEvaluation {
  const scorer = scorers[model.task] as Scorer<T>;
  const { outputs, targets } = predictAll(model, data, indices);
  const { labels, inputSpec } = model;
  return scorer(outputs, targets, { labels, height: inputSpec.height, width: inputSpec.width });
}

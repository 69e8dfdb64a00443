import type { Metrics, Task } from '@ocellus/contracts';
import { accuracy, confusionMatrix, perClassAccuracyFromMatrix } from '@ocellus/vision/metrics';
import { topK } from '@ocellus/vision/outputs';
import type { TaskOutputs, TaskTargets, TrainingData, VisionModel } from '../types.js';
import { predictAll } from './predict-all.js';

/** A model scored on held-out data: the numbers the manifest records, and the tables beside them. */
export interface TaskEvaluation {
  /** Recorded in the manifest's `metrics` (e.g. `testAccuracy`, `testAp50`). */
  metrics: Metrics;
  /** Recorded in the manifest's `extra` (e.g. per-class accuracy, the confusion matrix). */
  details: Record<string, unknown>;
  examples: number;
  /** One line for logs and the CLI. */
  summary: string;
}

type Scorer<T extends Task> = (
  outputs: TaskOutputs[T][],
  targets: TaskTargets[T][],
  labels: readonly string[],
) => TaskEvaluation;

const percent = (v: number) => `${(100 * v).toFixed(2)}%`;

/** classify: top-1 accuracy, per-class accuracy, and the confusion matrix (rows true, columns predicted). */
const classify: Scorer<'classify'> = (outputs, targets, labels) => {
  const truth = Int32Array.from(targets);
  const predicted = Int32Array.from(outputs, ({ scores }) => topK(scores, 1)[0] ?? -1);
  const confusion = confusionMatrix(truth, predicted, labels.length);
  const testAccuracy = accuracy(truth, predicted);
  return {
    metrics: { testAccuracy },
    details: { perClassAccuracy: perClassAccuracyFromMatrix(confusion), confusionMatrix: confusion },
    examples: truth.length,
    summary: `test accuracy ${percent(testAccuracy)} on ${truth.length} images`,
  };
};

/** The evaluator of each task, looked up by the model's task: the pipeline never branches on it. */
export const scorers: { readonly [T in Task]?: Scorer<T> } = {
  classify,
};

/** Scores `model` on the images at `indices` of `data` with its task's evaluator. */
export function evaluateModel<T extends Task>(
  model: VisionModel<T>,
  data: TrainingData<T>,
  indices: Int32Array,
): TaskEvaluation {
  const scorer = scorers[model.task] as Scorer<T> | undefined;
  if (scorer === undefined) throw new Error(`no evaluator for '${model.task}' models in this build`);
  const { outputs, targets } = predictAll(model, data, indices);
  return scorer(outputs, targets, model.labels);
}

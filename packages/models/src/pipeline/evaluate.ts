import { accuracy, confusionMatrix, perClassAccuracyFromMatrix } from '@ocellus/vision/metrics';
import { gatherBatch, type ImageSet } from '@ocellus/vision/mnist';
import type { VisionModel } from '../types.js';

export interface ClassifierEvaluation {
  accuracy: number;
  perClassAccuracy: number[];
  /** rows = true class, columns = predicted class. */
  confusion: number[][];
  examples: number;
}

/** Top-1 accuracy, per-class accuracy and the confusion matrix on `indices` of `set`, in batches. */
export function evaluateClassifier(
  model: VisionModel,
  set: ImageSet,
  indices: Int32Array,
  batchSize = 256,
): ClassifierEvaluation {
  if (model.task !== 'classify')
    throw new Error(`evaluateClassifier needs a classifier, got a ${model.task} model`);
  const predicted = new Int32Array(indices.length);
  const truth = new Int32Array(indices.length);
  for (let start = 0; start < indices.length; start += batchSize) {
    const batch = gatherBatch(set, indices.subarray(start, start + batchSize));
    const scores = model.infer(batch.inputs).scores;
    if (!scores) throw new Error('the model returned no scores');
    const [n, classes] = scores.shape as [number, number];
    const v = scores.values();
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (v[i * classes + c]! > v[i * classes + best]!) best = c;
      predicted[start + i] = best;
      truth[start + i] = batch.targets[i]!;
    }
  }
  const classes = model.labels.length;
  const confusion = confusionMatrix(truth, predicted, classes);
  return {
    accuracy: accuracy(truth, predicted),
    perClassAccuracy: perClassAccuracyFromMatrix(confusion),
    confusion,
    examples: truth.length,
  };
}

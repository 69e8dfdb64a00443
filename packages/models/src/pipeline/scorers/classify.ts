import { accuracy, confusionMatrix, perClassAccuracyFromMatrix } from '@ocellus/vision/metrics';
import { topK } from '@ocellus/vision/outputs';
import { finite, percent, type Scorer } from './scorer.js';

/** classify: top-1 accuracy, per-class accuracy, and the confusion matrix (rows true, columns predicted). */
export const classify: Scorer<'classify'> = (outputs, targets, { labels }) => {
  const truth = Int32Array.from(targets);
  const predicted = Int32Array.from(outputs, ({ scores }) => topK(scores, 1)[0] ?? -1);
  const confusion = confusionMatrix(truth, predicted, labels.length);
  const testAccuracy = accuracy(truth, predicted);
  return {
    metrics: finite({ testAccuracy }),
    details: { perClassAccuracy: perClassAccuracyFromMatrix(confusion), confusionMatrix: confusion },
    examples: truth.length,
    summary: `test accuracy ${percent(testAccuracy)} on ${truth.length} images`,
  };
};

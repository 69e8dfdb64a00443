import { localizationMetrics } from '@ocellus/vision/metrics';
import { topK } from '@ocellus/vision/outputs';
import { finite, percent, type Scorer } from './scorer.js';

/** localize: class accuracy, mean box IoU whatever the class, and right class with IoU >= 0.5. */
export const localize: Scorer<'localize'> = (outputs, targets) => {
  const truth = targets.map(({ index, box }) => ({ label: index, box }));
  const predicted = outputs.map(({ box, scores }) => ({ label: topK(scores, 1)[0] ?? -1, box }));
  const { accuracy, meanIou, correctAt50 } = localizationMetrics(truth, predicted);
  return {
    metrics: finite({ testAccuracy: accuracy, testMeanIou: meanIou, testCorrectAt50: correctAt50 }),
    details: {},
    examples: truth.length,
    summary: `test accuracy ${percent(accuracy)}, mean IoU ${meanIou.toFixed(4)} on ${truth.length} images`,
  };
};

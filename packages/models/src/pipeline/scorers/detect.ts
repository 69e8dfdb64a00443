import { boxAp } from '@ocellus/vision/metrics';
import { cocoMetrics, perClassAp } from './coco.js';
import { finite, type Scorer } from './scorer.js';

/** detect: COCO box AP, AP50, AP75 and AR100 (REFERENCE.md "Metrics"), and AP per class. */
export const detect: Scorer<'detect'> = (outputs, targets, { labels }) => {
  const images = outputs.map(({ detections }, i) => ({
    groundTruth: targets[i]!.objects.map(({ index, box }) => ({ label: index, region: box })),
    detections: detections.map(({ index, score, box }) => ({ label: index, score, region: box })),
  }));
  const result = boxAp(images);
  return {
    metrics: finite(cocoMetrics('testAp', result)),
    details: { perClassAp: perClassAp(result, labels) },
    examples: images.length,
    summary: `test AP ${result.ap.toFixed(4)}, AP50 ${result.ap50.toFixed(4)} on ${images.length} images`,
  };
};

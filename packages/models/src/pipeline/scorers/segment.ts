import { boxAp, maskAp } from '@ocellus/vision/metrics';
import { pasteMaskRle } from '@ocellus/vision/outputs';
import { cocoMetrics, perClassAp } from './coco.js';
import { finite, type Scorer } from './scorer.js';

/** Probability above which a pasted mask pixel belongs to the object (REFERENCE.md mask head). */
const MASK_THRESHOLD = 0.5;

/** segment: COCO mask AP (masks pasted into the model input, or each image's `sizes`) beside the box AP of the same detections. */
export const segment: Scorer<'segment'> = (outputs, targets, { labels, height, width, sizes }) => {
  const truth = targets.map(({ objects }) => objects);
  const masks = outputs.map(({ detections }, i) => {
    const size = sizes?.[i] ?? { height, width };
    return {
      groundTruth: truth[i]!.map(({ index, mask }) => ({ label: index, region: mask })),
      detections: detections.map(({ index, score, box, mask }) => ({
        label: index,
        score,
        region: pasteMaskRle(mask, box, MASK_THRESHOLD, size.height, size.width),
      })),
    };
  });
  const boxes = outputs.map(({ detections }, i) => ({
    groundTruth: truth[i]!.map(({ index, box }) => ({ label: index, region: box })),
    detections: detections.map(({ index, score, box }) => ({ label: index, score, region: box })),
  }));
  const masked = maskAp(masks);
  const boxed = boxAp(boxes);
  return {
    metrics: finite({ ...cocoMetrics('testMaskAp', masked), ...cocoMetrics('testAp', boxed) }),
    details: { perClassMaskAp: perClassAp(masked, labels), perClassAp: perClassAp(boxed, labels) },
    examples: masks.length,
    summary: `test mask AP ${masked.ap.toFixed(4)}, mask AP50 ${masked.ap50.toFixed(4)}, box AP ${boxed.ap.toFixed(4)} on ${masks.length} images`,
  };
};

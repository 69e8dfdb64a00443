export {
  type BleuResult,
  bleu,
  exactMatch,
  exactMatchByLength,
  type LengthAccuracy,
  lengthAccuracyText,
  type Tokens,
} from './bleu.js';
export {
  accuracy,
  confusionMatrix,
  perClassAccuracy,
  perClassAccuracyFromMatrix,
  topKAccuracy,
} from './classification.js';
export {
  boxAp,
  COCO_IOU_THRESHOLDS,
  COCO_RECALL_THRESHOLDS,
  type CocoClassResult,
  type CocoDetection,
  type CocoGroundTruth,
  type CocoImage,
  type CocoOptions,
  type CocoResult,
  cocoEvaluate,
  maskAp,
} from './coco-ap.js';
export { type LabelledBox, type LocalizationMetrics, localizationMetrics } from './localization.js';
export { type BinaryMask, maskIou, pairwiseMaskIou } from './mask-iou.js';
export { renderConfusionMatrix } from './table.js';

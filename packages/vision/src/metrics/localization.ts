import type { Box } from '@ocellus/contracts';
import { boxIou } from '../boxes/iou.js';

export interface LabelledBox {
  label: number;
  box: Readonly<Box>;
}

export interface LocalizationMetrics {
  /** Fraction with the right class. */
  accuracy: number;
  /** Mean IoU of predicted and true boxes, whatever the class. */
  meanIou: number;
  /** Fraction with the right class and IoU >= 0.5 (the PASCAL VOC criterion). */
  correctAt50: number;
}

/** Single-object localization scores, one prediction per image; NaN for an empty set. */
export function localizationMetrics(
  truth: readonly LabelledBox[],
  predicted: readonly LabelledBox[],
): LocalizationMetrics {
  if (truth.length !== predicted.length) {
    throw new RangeError(`${truth.length} true boxes but ${predicted.length} predictions`);
  }
  let correct = 0;
  let iouSum = 0;
  let correctAt50 = 0;
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    const iou = boxIou(p.box, t.box);
    iouSum += iou;
    if (p.label === t.label) {
      correct++;
      if (iou >= 0.5) correctAt50++;
    }
  });
  const n = truth.length;
  return { accuracy: correct / n, meanIou: iouSum / n, correctAt50: correctAt50 / n };
}

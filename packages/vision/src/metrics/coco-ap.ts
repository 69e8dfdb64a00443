import type { Box } from '@ocellus/contracts';
import { boxIou } from '../boxes/iou.js';
import { type BinaryMask, maskIou } from './mask-iou.js';

export interface CocoGroundTruth<R> {
  label: number;
  region: R;
}

export interface CocoDetection<R> {
  label: number;
  score: number;
  region: R;
}

/** One image's annotations. Crowd flags are not read: every ground truth counts as a regular one. */
export interface CocoImage<R> {
  groundTruth: readonly CocoGroundTruth<R>[];
  detections: readonly CocoDetection<R>[];
}

export interface CocoClassResult {
  label: number;
  ap: number;
  ap50: number;
  ap75: number;
  ar100: number;
}

/** Averages over the classes with ground truth; NaN when no class has any. */
export interface CocoResult {
  ap: number;
  ap50: number;
  ap75: number;
  ar100: number;
  perClass: CocoClassResult[];
}

export interface CocoOptions {
  /** Detections kept per image and class, highest scores first (`maxDets[-1]`, default 100). */
  maxDetections?: number;
}

/** `np.linspace(start, stop, num)`: `i * step + start`, the last value exactly `stop`. */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/** cocoeval `Params`: IoU .50:.05:.95 and recall 0:.01:1. */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, 10);
export const COCO_RECALL_THRESHOLDS: readonly number[] = linspace(0, 1, 101);

/** `np.spacing(1)`, added to precision's denominator as cocoeval does. */
const EPSILON = 2 ** -52;

/** One image and class after matching (cocoeval `evaluateImg`). */
interface ImageEvaluation {
  scores: number[];
  /** matched[t][d]: detection d (score order) found a ground truth at threshold t. */
  matched: boolean[][];
  groundTruths: number;
}

/** Stable sort by descending score (numpy `argsort(-score, kind='mergesort')`). */
function byScore<T extends { score: number }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.score - a.item.score || a.index - b.index)
    .map(({ item }) => item);
}

function evaluateImage<R>(
  truths: readonly CocoGroundTruth<R>[],
  detections: readonly CocoDetection<R>[],
  iou: (detection: R, truth: R) => number,
  maxDetections: number,
): ImageEvaluation {
  const dts = byScore(detections).slice(0, maxDetections);
  const ious = dts.map((d) => truths.map((g) => iou(d.region, g.region)));
  const matched = COCO_IOU_THRESHOLDS.map((threshold) => {
    const truthTaken = new Array<boolean>(truths.length).fill(false);
    return dts.map((_, d) => {
      // The best unmatched ground truth at or above the threshold; on equal IoU the later one wins.
      let best = Math.min(threshold, 1 - 1e-10);
      let match = -1;
      for (let g = 0; g < truths.length; g++) {
        if (truthTaken[g] || ious[d]![g]! < best) continue;
        best = ious[d]![g]!;
        match = g;
      }
      if (match >= 0) truthTaken[match] = true;
      return match >= 0;
    });
  });
  return { scores: dts.map((d) => d.score), matched, groundTruths: truths.length };
}

/** cocoeval `accumulate` for one class: interpolated precision at each recall threshold, and final recall. */
function accumulate(evaluations: readonly ImageEvaluation[]): { precision: number[][]; recall: number[] } {
  const groundTruths = evaluations.reduce((sum, e) => sum + e.groundTruths, 0);
  const entries = evaluations.flatMap((e, image) => e.scores.map((score, d) => ({ score, image, d })));
  const order = byScore(entries);
  const precision: number[][] = [];
  const recall: number[] = [];
  for (let t = 0; t < COCO_IOU_THRESHOLDS.length; t++) {
    const rc: number[] = [];
    const pr: number[] = [];
    let tp = 0;
    let fp = 0;
    for (const { image, d } of order) {
      if (evaluations[image]!.matched[t]![d]) tp++;
      else fp++;
      rc.push(tp / groundTruths);
      pr.push(tp / (tp + fp + EPSILON));
    }
    recall.push(rc.length > 0 ? rc[rc.length - 1]! : 0);
    for (let i = pr.length - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
    // np.searchsorted(rc, recThrs, side='left'); precision 0 past the last recall reached.
    let i = 0;
    precision.push(
      COCO_RECALL_THRESHOLDS.map((threshold) => {
        while (i < rc.length && rc[i]! < threshold) i++;
        return i < pr.length ? pr[i]! : 0;
      }),
    );
  }
  return { precision, recall };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * COCO detection metrics (pycocotools `COCOeval` with area "all", maxDets 100) for any region type:
 * `iou(detection, truth)` supplies the overlap. Detections are capped per image and class, as
 * cocoeval does. Classes with no ground truth are skipped; a class with ground truth and no
 * detections scores 0.
 */
export function cocoEvaluate<R>(
  images: readonly CocoImage<R>[],
  iou: (detection: R, truth: R) => number,
  options: CocoOptions = {},
): CocoResult {
  const maxDetections = options.maxDetections ?? 100;
  if (!(Number.isInteger(maxDetections) && maxDetections >= 1)) {
    throw new RangeError(`maxDetections must be an integer >= 1, got ${maxDetections}`);
  }
  for (const image of images) {
    for (const d of image.detections) {
      if (Number.isNaN(d.score)) throw new RangeError(`detection of label ${d.label} has a NaN score`);
    }
  }
  const labels = [...new Set(images.flatMap((image) => image.groundTruth.map((g) => g.label)))].sort(
    (a, b) => a - b,
  );
  const t50 = 0;
  const t75 = COCO_IOU_THRESHOLDS.indexOf(0.75);
  const perClass = labels.map((label): CocoClassResult => {
    const evaluations = images.map((image) =>
      evaluateImage(
        image.groundTruth.filter((g) => g.label === label),
        image.detections.filter((d) => d.label === label),
        iou,
        maxDetections,
      ),
    );
    const { precision, recall } = accumulate(evaluations);
    const apAt = precision.map(mean);
    return { label, ap: mean(apAt), ap50: apAt[t50]!, ap75: apAt[t75]!, ar100: mean(recall) };
  });
  return {
    ap: mean(perClass.map((c) => c.ap)),
    ap50: mean(perClass.map((c) => c.ap50)),
    ap75: mean(perClass.map((c) => c.ap75)),
    ar100: mean(perClass.map((c) => c.ar100)),
    perClass,
  };
}

/** COCO box AP (`iouType='bbox'`) on `[x1, y1, x2, y2]` boxes. */
export function boxAp(images: readonly CocoImage<Readonly<Box>>[], options?: CocoOptions): CocoResult {
  return cocoEvaluate(images, boxIou, options);
}

/** COCO mask AP (`iouType='segm'`) on RLE or row-major binary masks. */
export function maskAp(images: readonly CocoImage<BinaryMask>[], options?: CocoOptions): CocoResult {
  return cocoEvaluate(images, maskIou, options);
}

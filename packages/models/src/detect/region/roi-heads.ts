import type { Box } from '@ocellus/contracts';
import type { InitScheme } from '@ocellus/nn/init';
import { Flatten, Linear, Sequential } from '@ocellus/nn/layers';
import { smoothL1Loss, softmaxCrossEntropy } from '@ocellus/nn/losses';
import { Module } from '@ocellus/nn/module';
import { div, indexSelect, mul, type Rng, softmax, sum, Tensor } from '@ocellus/tensor';
import {
  type BoxCoderWeights,
  batchedNms,
  clipBoxes,
  decodeBoxes,
  encodeBoxes,
  removeSmallBoxes,
  suppressContained,
} from '@ocellus/vision/boxes';
import type { Activation } from '../../networks/activation.js';
import { fcStack } from '../../networks/stacks.js';
import type { Detection } from '../../types.js';
import { boxAt, flatBoxes, type ImageSize } from './flat-boxes.js';
import { matchBoxes } from './matcher.js';
import { sampleBalanced } from './sampler.js';

/** Detections narrower or lower than this (pixels) are dropped, as torchvision's RoIHeads do. */
const MIN_DETECTION = 1e-2;

export interface RoiHeadSettings {
  fgIou: number;
  bgIou: number;
  batchSizePerImage: number;
  positiveFraction: number;
  boxWeights: BoxCoderWeights;
  scoreThreshold: number;
  nmsIou: number;
  /** Drop a detection this much inside a better kept box of its class (after NMS); none when undefined. */
  containment?: number | undefined;
  detectionsPerImage: number;
}

/** What the box head says of each RoI: [R, classes + 1] logits (0 is background) and [R, 4 (classes + 1)] deltas. */
export interface BoxHeadOutput {
  logits: Tensor;
  deltas: Tensor;
}

/**
 * Fast R-CNN's head on pooled RoIs (children `fc`, `cls`, `bbox`, as torchvision's TwoMLPHead and
 * FastRCNNPredictor): FC layers, then class logits with background first and per-class box deltas.
 */
export class BoxHead extends Module {
  readonly fc: Sequential;
  readonly cls: Linear;
  readonly bbox: Linear;

  constructor(
    features: number,
    hidden: readonly number[],
    classes: number,
    options: { activation: Activation; init: InitScheme; rng: Rng; dropout: number },
  ) {
    super();
    const stack = fcStack(features, hidden, options);
    this.fc = this.registerModule('fc', new Sequential(new Flatten(), ...stack.layers));
    const init = { init: options.init, rng: options.rng };
    this.cls = this.registerModule('cls', new Linear(stack.features, classes + 1, init));
    this.bbox = this.registerModule('bbox', new Linear(stack.features, 4 * (classes + 1), init));
  }

  forward(pooled: Tensor): BoxHeadOutput {
    const x = this.fc.forward(pooled);
    return { logits: this.cls.forward(x), deltas: this.bbox.forward(x) };
  }
}

/** An object of a training image: its class (0-based) and box. */
export interface BoxObject {
  index: number;
  box: Readonly<Box>;
}

/** The RoIs of a batch, flat over its images: boxes, the image each is on, and for training their targets. */
export interface RoiBatch {
  boxes: Float32Array;
  imageOf: Int32Array;
}

export interface RoiSample extends RoiBatch {
  /** 0 for background, else the object's class + 1. */
  labels: Int32Array;
  /** The object (its index among its image's objects) each RoI matched, -1 for background. */
  matched: Int32Array;
  /** [R * 4] deltas of each positive RoI to its object (zeros for background). */
  targets: Float32Array;
}

/** All proposals of every image as one RoI batch (inference). */
export function roiBatch(proposals: readonly Float32Array[]): RoiBatch {
  const total = proposals.reduce((n, p) => n + p.length / 4, 0);
  const boxes = new Float32Array(4 * total);
  const imageOf = new Int32Array(total);
  let at = 0;
  proposals.forEach((p, image) => {
    boxes.set(p, 4 * at);
    imageOf.fill(image, at, at + p.length / 4);
    at += p.length / 4;
  });
  return { boxes, imageOf };
}

/**
 * torchvision's `select_training_samples`: each image's proposals with its objects' own boxes added,
 * matched at `fgIou` / `bgIou`, `batchSizePerImage` sampled with `positiveFraction` positive; each
 * positive's class and its deltas (`boxWeights`) to the object it matched.
 */
export function sampleRois(
  proposals: readonly Float32Array[],
  objects: readonly (readonly BoxObject[])[],
  settings: RoiHeadSettings,
  rng: Rng,
): RoiSample {
  const boxes: Box[] = [];
  const imageOf: number[] = [];
  const labels: number[] = [];
  const matchedObjects: number[] = [];
  const matched: Box[] = [];
  proposals.forEach((flat, image) => {
    const own = objects[image]!;
    const candidates = [
      ...Array.from({ length: flat.length / 4 }, (_, i) => boxAt(flat, i)),
      ...own.map((o) => [...o.box] as Box),
    ];
    const match = matchBoxes(
      candidates,
      own.map((o) => o.box),
      { fgIou: settings.fgIou, bgIou: settings.bgIou, lowQuality: false },
    );
    const sampled = sampleBalanced(match, settings.batchSizePerImage, settings.positiveFraction, rng);
    for (const i of [...sampled.positives, ...sampled.negatives]) {
      boxes.push(candidates[i]!);
      imageOf.push(image);
      const object = match[i]! >= 0 ? own[match[i]!]! : null;
      labels.push(object ? object.index + 1 : 0);
      matchedObjects.push(object ? match[i]! : -1);
      matched.push(object ? ([...object.box] as Box) : candidates[i]!);
    }
  });
  const flat = flatBoxes(boxes);
  const targets = encodeBoxes(flatBoxes(matched), flat, settings.boxWeights);
  labels.forEach((label, i) => {
    if (label === 0) targets.fill(0, 4 * i, 4 * i + 4);
  });
  return {
    boxes: flat,
    imageOf: Int32Array.from(imageOf),
    labels: Int32Array.from(labels),
    matched: Int32Array.from(matchedObjects),
    targets,
  };
}

/** `[R, 5]` rows `(image, x1, y1, x2, y2)`, what roiPool and roiAlign take. */
export function roiTensor(rois: RoiBatch): Tensor {
  const r = rois.imageOf.length;
  const rows = new Float32Array(5 * r);
  for (let i = 0; i < r; i++) {
    rows[5 * i] = rois.imageOf[i]!;
    rows.set(rois.boxes.subarray(4 * i, 4 * i + 4), 5 * i + 1);
  }
  return new Tensor(rows, [r, 5]);
}

/**
 * Fast R-CNN's multitask loss as torchvision computes it: cross-entropy over the sampled RoIs, and
 * smooth-L1 on each positive's deltas of its own class, summed and divided by the number of RoIs.
 */
export function roiLosses(out: BoxHeadOutput, sample: RoiSample, beta: number): { cls: Tensor; box: Tensor } {
  const r = sample.labels.length;
  const cls = softmaxCrossEntropy(out.logits, sample.labels);
  const positives = Array.from(sample.labels.keys()).filter((i) => sample.labels[i]! > 0);
  if (positives.length === 0) return { cls, box: sum(mul(out.deltas, 0)) };
  const width = out.deltas.shape[1]!;
  const targets = new Float32Array(positives.length * width);
  const weights = new Float32Array(positives.length * width);
  positives.forEach((i, row) => {
    const column = 4 * sample.labels[i]!;
    targets.set(sample.targets.subarray(4 * i, 4 * i + 4), row * width + column);
    weights.fill(1, row * width + column, row * width + column + 4);
  });
  const shape = [positives.length, width];
  const box = smoothL1Loss(indexSelect(out.deltas, 0, positives), new Tensor(targets, shape), {
    beta,
    reduction: 'sum',
    weights: new Tensor(weights, shape),
  });
  return { cls, box: div(box, r) };
}

/**
 * torchvision's `postprocess_detections`: per RoI and class, the softmax score and the class's box
 * decoded and clipped; scores at or below `scoreThreshold` and tiny boxes dropped; per-class NMS per
 * image; the best `detectionsPerImage` kept. Boxes in model-input pixels, classes 0-based.
 */
export function detectionsOf(
  out: BoxHeadOutput,
  rois: RoiBatch,
  images: number,
  image: ImageSize,
  settings: RoiHeadSettings,
): Detection[][] {
  const probabilities = softmax(out.logits, 1).values();
  const deltas = out.deltas.values();
  const columns = out.logits.shape[1]!;
  const perImage: { deltas: number[]; rois: number[]; scores: number[]; classes: number[] }[] = Array.from(
    { length: images },
    () => ({ deltas: [], rois: [], scores: [], classes: [] }),
  );
  rois.imageOf.forEach((imageIndex, r) => {
    const into = perImage[imageIndex]!;
    for (let c = 1; c < columns; c++) {
      const score = probabilities[r * columns + c]!;
      if (score <= settings.scoreThreshold) continue;
      for (let k = 0; k < 4; k++) {
        into.deltas.push(deltas[r * 4 * columns + 4 * c + k]!);
        into.rois.push(rois.boxes[4 * r + k]!);
      }
      into.scores.push(score);
      into.classes.push(c - 1);
    }
  });
  return perImage.map((found) => {
    const decoded = decodeBoxes(
      Float32Array.from(found.deltas),
      Float32Array.from(found.rois),
      settings.boxWeights,
    );
    const boxes = clipBoxes(decoded, image.height, image.width);
    const big = removeSmallBoxes(boxes, MIN_DETECTION);
    const keptBoxes = new Float32Array(4 * big.length);
    big.forEach((k, j) => {
      keptBoxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * j);
    });
    const scores = Array.from(big, (k) => found.scores[k]!);
    const classes = Array.from(big, (k) => found.classes[k]!);
    const survivors = batchedNms(keptBoxes, scores, classes, settings.nmsIou);
    const keep = (
      settings.containment === undefined
        ? survivors
        : suppressContained(keptBoxes, classes, survivors, settings.containment)
    ).subarray(0, settings.detectionsPerImage);
    return Array.from(keep, (k) => ({ index: classes[k]!, score: scores[k]!, box: boxAt(keptBoxes, k) }));
  });
}

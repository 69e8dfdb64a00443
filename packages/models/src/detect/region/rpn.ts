import type { Box } from '@ocellus/contracts';
import type { InitScheme } from '@ocellus/nn/init';
import { Conv2d, ReLU } from '@ocellus/nn/layers';
import { bceWithLogits, smoothL1Loss } from '@ocellus/nn/losses';
import { Module } from '@ocellus/nn/module';
import { div, indexSelect, mul, permute, type Rng, reshape, sum, Tensor } from '@ocellus/tensor';
import {
  clipBoxes,
  decodeBoxes,
  encodeBoxes,
  nms,
  RPN_BOX_WEIGHTS,
  removeSmallBoxes,
} from '@ocellus/vision/boxes';
import { topK } from '@ocellus/vision/outputs';
import { boxAt, flatBoxes, type ImageSize } from './flat-boxes.js';
import { matchBoxes } from './matcher.js';
import { sampleBalanced } from './sampler.js';

/** Proposals narrower or lower than this (pixels) are dropped, as torchvision's RPN does. */
const MIN_PROPOSAL = 1e-3;

/** The RPN's outputs for a batch, in anchor order (cell-major, then each cell's anchors). */
export interface RpnOutput {
  /** [N, L] objectness logits, L = cells x anchors per cell. */
  objectness: Tensor;
  /** [N, L, 4] box deltas against the anchors (RPN_BOX_WEIGHTS). */
  deltas: Tensor;
}

export interface RpnSettings {
  fgIou: number;
  bgIou: number;
  batchSizePerImage: number;
  positiveFraction: number;
  nmsIou: number;
  smoothL1Beta: number;
}

/**
 * Faster R-CNN's region proposal network head: a 3x3 conv over the backbone's map, then per cell and
 * anchor an objectness logit and four deltas (children `conv`, `cls`, `bbox`, as torchvision's RPNHead).
 */
export class RpnHead extends Module {
  readonly conv: Conv2d;
  readonly relu = new ReLU();
  readonly cls: Conv2d;
  readonly bbox: Conv2d;

  constructor(inChannels: number, channels: number, anchors: number, init: { init: InitScheme; rng: Rng }) {
    super();
    this.conv = this.registerModule('conv', new Conv2d(inChannels, channels, 3, { ...init, padding: 1 }));
    this.cls = this.registerModule('cls', new Conv2d(channels, anchors, 1, init));
    this.bbox = this.registerModule('bbox', new Conv2d(channels, 4 * anchors, 1, init));
  }

  forward(features: Tensor): RpnOutput {
    const [n, , h, w] = features.shape as [number, number, number, number];
    const t = this.relu.forward(this.conv.forward(features));
    const a = this.cls.outChannels;
    const objectness = reshape(permute(this.cls.forward(t), [0, 2, 3, 1]), [n, h * w * a]);
    const deltas = reshape(permute(reshape(this.bbox.forward(t), [n, a, 4, h, w]), [0, 3, 4, 1, 2]), [
      n,
      h * w * a,
      4,
    ]);
    return { objectness, deltas };
  }
}

/**
 * The RPN's two losses over a batch (torchvision's `RegionProposalNetwork.compute_loss`): anchors matched
 * to the objects at `fgIou` / `bgIou` (plus each object's best anchors), `batchSizePerImage` sampled per
 * image; binary cross-entropy on the sampled anchors' objectness, smooth-L1 on the positives' deltas.
 * The box loss is the paper's: `lambda` x the sum over positives / the number of anchor cells.
 */
export function rpnLosses(
  out: RpnOutput,
  anchors: Float32Array,
  objects: readonly (readonly Readonly<Box>[])[],
  settings: RpnSettings & { lambda: number; cells: number },
  rng: Rng,
): { rpnObjectness: Tensor; rpnBox: Tensor } {
  const [n, count] = out.objectness.shape as [number, number];
  const anchorBoxes = Array.from({ length: count }, (_, i) => boxAt(anchors, i));
  const positives: number[] = [];
  const negatives: number[] = [];
  const matched: Box[] = [];
  const positiveAnchors: Box[] = [];
  objects.forEach((boxes, image) => {
    const match = matchBoxes(anchorBoxes, boxes, {
      fgIou: settings.fgIou,
      bgIou: settings.bgIou,
      lowQuality: true,
    });
    const sampled = sampleBalanced(match, settings.batchSizePerImage, settings.positiveFraction, rng);
    for (const i of sampled.positives) {
      positives.push(image * count + i);
      matched.push(boxes[match[i]!]! as Box);
      positiveAnchors.push(anchorBoxes[i]!);
    }
    for (const i of sampled.negatives) negatives.push(image * count + i);
  });
  const sampled = [...positives, ...negatives];
  const labels = new Float32Array(sampled.length);
  labels.fill(1, 0, positives.length);
  const logits = indexSelect(reshape(out.objectness, [n * count]), 0, sampled);
  const rpnObjectness = bceWithLogits(logits, new Tensor(labels, [sampled.length]));
  const deltas = reshape(out.deltas, [n * count, 4]);
  const rpnBox =
    positives.length === 0
      ? sum(mul(deltas, 0))
      : div(
          mul(
            smoothL1Loss(
              indexSelect(deltas, 0, positives),
              new Tensor(encodeBoxes(flatBoxes(matched), flatBoxes(positiveAnchors), RPN_BOX_WEIGHTS), [
                positives.length,
                4,
              ]),
              { beta: settings.smoothL1Beta, reduction: 'sum' },
            ),
            settings.lambda,
          ),
          settings.cells * n,
        );
  return { rpnObjectness, rpnBox };
}

/**
 * Each image's proposals (torchvision's `filter_proposals`, one feature map): the `preNms` anchors of
 * highest objectness decoded, clipped, tiny ones dropped, NMS at `nmsIou`, the best `postNms` kept.
 * Flat `[x1, y1, x2, y2]` boxes in input pixels, best first.
 */
export function proposalsOf(
  out: RpnOutput,
  anchors: Float32Array,
  image: ImageSize,
  limits: { preNms: number; postNms: number; nmsIou: number },
): Float32Array[] {
  const [n, count] = out.objectness.shape as [number, number];
  const scores = out.objectness.values();
  const deltas = out.deltas.values();
  return Array.from({ length: n }, (_, i) => {
    const own = scores.subarray(i * count, (i + 1) * count);
    const top = topK(own, Math.min(limits.preNms, count));
    const chosenDeltas = new Float32Array(4 * top.length);
    const chosenAnchors = new Float32Array(4 * top.length);
    top.forEach((a, k) => {
      chosenDeltas.set(deltas.subarray((i * count + a) * 4, (i * count + a + 1) * 4), 4 * k);
      chosenAnchors.set(anchors.subarray(4 * a, 4 * a + 4), 4 * k);
    });
    const boxes = clipBoxes(
      decodeBoxes(chosenDeltas, chosenAnchors, RPN_BOX_WEIGHTS),
      image.height,
      image.width,
    );
    const kept = removeSmallBoxes(boxes, MIN_PROPOSAL);
    const keptBoxes = new Float32Array(4 * kept.length);
    const keptScores = new Float32Array(kept.length);
    kept.forEach((k, j) => {
      keptBoxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * j);
      keptScores[j] = own[top[k]!]!;
    });
    const survivors = nms(keptBoxes, keptScores, limits.nmsIou, limits.postNms);
    const result = new Float32Array(4 * survivors.length);
    survivors.forEach((k, j) => {
      result.set(keptBoxes.subarray(4 * k, 4 * k + 4), 4 * j);
    });
    return result;
  });
}

import type { Rng, Tensor } from '@ocellus/tensor';
import type { BlockMaps } from '../region/block-maps.js';
import type { ImageSize } from '../region/flat-boxes.js';
import type { RegionStep } from '../region/region-detector.js';
import { type RoiBatch, type RoiSample, roiBatch, roiLosses, sampleRois } from '../region/roi-heads.js';
import type { RoiPooling } from '../region/roi-pooling.js';
import { proposalsOf, type RpnOutput, rpnLosses } from '../region/rpn.js';
import type { SceneTargets } from '../region/scene-dataset.js';
import type { FasterRcnnArchitecture } from './architecture.js';
import type { FasterRcnnNet } from './faster-rcnn-net.js';

/** Smooth-L1's quadratic zone on the RoI heads' deltas (torchvision's `fastrcnn_loss`). */
const ROI_SMOOTH_L1_BETA = 1 / 9;

/** What Faster R-CNN and Mask R-CNN share of their architecture. */
export type FasterRcnnFields = Omit<FasterRcnnArchitecture, 'type'>;

/** How the box head cuts proposals out of its maps: RoIAlign at the spec's size and sampling. */
export const boxPooling = (arch: FasterRcnnFields): RoiPooling => ({ method: 'align', ...arch.roiAlign });

/** Each image's proposals from the RPN's outputs, with the spec's top-N for training or test. */
export function rpnProposals(
  net: FasterRcnnNet,
  rpn: RpnOutput,
  arch: FasterRcnnFields,
  image: ImageSize,
  phase: 'train' | 'test',
): Float32Array[] {
  return proposalsOf(rpn, net.anchors, image, {
    preNms: arch.rpn.preNmsTopN[phase],
    postNms: arch.rpn.postNmsTopN[phase],
    nmsIou: arch.rpn.nmsIou,
  });
}

/** The maps the heads read and each image's proposals as one RoI batch (inference). */
export function proposeRegions(
  net: FasterRcnnNet,
  arch: FasterRcnnFields,
  image: ImageSize,
  batch: Tensor,
): { features: BlockMaps; rois: RoiBatch } {
  const features = net.features(batch);
  const rpn = net.rpn.forward(features.last);
  return { features, rois: roiBatch(rpnProposals(net, rpn, arch, image, 'test')) };
}

/** A training step's detector part, with the maps and the sampled RoIs a mask branch goes on from. */
export interface DetectorStep extends RegionStep {
  features: BlockMaps;
  sample: RoiSample;
}

/**
 * One training step of the detector (approximate joint training): the backbone, the RPN and its two
 * losses, proposals (constants to what follows), RoIs sampled and pooled, the box head and its two losses.
 */
export function detectorStep(
  net: FasterRcnnNet,
  arch: FasterRcnnFields,
  image: ImageSize,
  inputs: Tensor,
  scenes: SceneTargets,
  rng: Rng,
): DetectorStep {
  const [, rows, cols] = net.map;
  const features = net.features(inputs);
  const rpn = net.rpn.forward(features.last);
  const boxes = scenes.objects.map((objects) => objects.map((o) => o.box));
  const settings = { ...arch.rpn, lambda: arch.lambda, cells: rows * cols };
  const rpnLoss = rpnLosses(rpn, net.anchors, boxes, settings, rng);
  const proposals = rpnProposals(net, rpn, arch, image, 'train');
  const sample = sampleRois(proposals, scenes.objects, arch.roiHeads, rng);
  const head = net.head.forward(features.pool(net.roiMaps, sample, boxPooling(arch)));
  const roiLoss = roiLosses(head, sample, ROI_SMOOTH_L1_BETA);
  return { features, sample, head, labels: sample.labels, losses: { ...rpnLoss, ...roiLoss } };
}

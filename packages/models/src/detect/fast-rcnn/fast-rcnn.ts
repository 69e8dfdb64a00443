import {
  fastRcnnSchema,
  type JobSpec,
  type Metrics,
  type NetworkShape,
  networkShapeSchema,
} from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { noGrad, Rng, type Tensor } from '@ocellus/tensor';
import { withPrefix } from '../../artifact.js';
import { initScheme } from '../../classify/network-builder.js';
import type { FitHooks, TaskOutputs, TrainingData } from '../../types.js';
import { checkProposalMethod, imageProposals } from '../region/image-proposals.js';
import { RegionDetector } from '../region/region-detector.js';
import { detectionsOf, roiBatch, roiLosses, sampleRois } from '../region/roi-heads.js';
import { poolRois } from '../region/roi-pooling.js';
import type { FastRcnnArchitecture } from './architecture.js';
import { FastRcnnNet } from './fast-rcnn-net.js';

/** Smooth-L1's quadratic zone on the RoI heads' deltas (torchvision's `fastrcnn_loss`). */
const ROI_SMOOTH_L1_BETA = 1 / 9;

const storedArchitecture = fastRcnnSchema.extend({ network: networkShapeSchema });

/**
 * `fast-rcnn` (Girshick 2015): selective-search proposals, one backbone pass per image, RoI max pooling
 * (or RoIAlign) of each proposal, two FC layers, softmax over the classes and background with per-class
 * box deltas in one multitask loss (`cls`, `box`), RoIs sampled 25% foreground; per-class NMS.
 */
export class FastRcnn extends RegionDetector<FastRcnnArchitecture, FastRcnnNet> {
  static create(spec: JobSpec, data: TrainingData): FastRcnn {
    const arch = fastRcnnSchema.parse(spec.architecture);
    checkProposalMethod(arch.proposals);
    const { channels, height, width } = data.set;
    return new FastRcnn(arch, { channels, height, width, format: data.imageFormat }, data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): FastRcnn {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = new FastRcnnNet(arch, shape, new Rng(0));
    net.loadStateDict(withPrefix(records, 'net'));
    net.eval();
    return new FastRcnn(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  private proposals(inputs: Tensor): Float32Array[] {
    const [count, channels, height, width] = inputs.shape as [number, number, number, number];
    const pixels = Float32Array.from(inputs.values());
    return imageProposals(pixels, { count, channels, height, width }, this.architecture.proposals);
  }

  predict(batch: Tensor): TaskOutputs['detect'][] {
    const { net } = this.ready();
    const n = batch.shape[0]!;
    return noGrad(() => {
      net.eval();
      const rois = roiBatch(this.proposals(batch));
      if (rois.imageOf.length === 0) return Array.from({ length: n }, () => ({ detections: [] }));
      const features = net.forward(batch);
      const head = net.head.forward(poolRois(features, rois, this.architecture.roiPool, net.scale));
      const found = detectionsOf(head, rois, n, this.image, this.architecture.roiHeads);
      return found.map((detections) => ({ detections }));
    });
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const { channels, height, width } = data.set;
    const shape: NetworkShape = {
      inputShape: [channels, height, width],
      classes: data.labels.length,
      dropout: spec.regularization.dropout,
      init: initScheme(spec.init, arch.activation),
    };
    const net = new FastRcnnNet(arch, shape, rng);
    return this.trainScenes(net, shape, data, spec, hooks, rng, (inputs, scenes, stepRng) => {
      const sample = sampleRois(this.proposals(inputs), scenes.objects, arch.roiHeads, stepRng);
      const features = net.forward(inputs);
      const head = net.head.forward(poolRois(features, sample, arch.roiPool, net.scale));
      return { losses: roiLosses(head, sample, ROI_SMOOTH_L1_BETA), head, labels: sample.labels };
    });
  }
}

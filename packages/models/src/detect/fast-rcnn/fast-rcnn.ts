import { fastRcnnSchema, type JobSpec, type Metrics, networkShapeSchema } from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { Rng, releasingTemporaries, type Tensor } from '@ocellus/tensor';
import type { FitHooks, TaskOutputs, TrainingData } from '../../types.js';
import { checkProposalMethod, imageProposals } from '../region/image-proposals.js';
import { RegionDetector } from '../region/region-detector.js';
import { roiBatch, roiLosses, sampleRois } from '../region/roi-heads.js';
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
  readonly task = 'detect';

  static create(spec: JobSpec, data: TrainingData): FastRcnn {
    const arch = fastRcnnSchema.parse(spec.architecture);
    checkProposalMethod(arch.proposals);
    return new FastRcnn(arch, RegionDetector.inputSpecOf(data), data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): FastRcnn {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = RegionDetector.restore((rng) => new FastRcnnNet(arch, shape, rng), records);
    return new FastRcnn(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  predict(batch: Tensor): TaskOutputs['detect'][] {
    const { net } = this.ready();
    const arch = this.architecture;
    return releasingTemporaries(() => {
      net.eval();
      const rois = roiBatch(imageProposals(batch, arch.proposals));
      return this.detectRois(batch.shape[0]!, rois, (found) =>
        net.head.forward(net.features(batch).pool(net.roiMaps, found, arch.roiPool)),
      );
    });
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const shape = RegionDetector.networkShape(data, spec, arch.activation);
    const net = new FastRcnnNet(arch, shape, rng);
    return this.trainScenes(net, shape, data, spec, hooks, rng, (inputs, scenes, stepRng) => {
      const sample = sampleRois(
        imageProposals(inputs, arch.proposals),
        scenes.objects,
        arch.roiHeads,
        stepRng,
      );
      const head = net.head.forward(net.features(inputs).pool(net.roiMaps, sample, arch.roiPool));
      return { losses: roiLosses(head, sample, ROI_SMOOTH_L1_BETA), head, labels: sample.labels };
    });
  }
}

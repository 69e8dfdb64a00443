import { type JobSpec, type Metrics, networkShapeSchema, rcnnSchema } from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { concat, Rng, releasingTemporaries, type Tensor } from '@ocellus/tensor';
import type { FitHooks, TaskOutputs, TrainingData } from '../../types.js';
import { checkProposalMethod, imageProposals } from '../region/image-proposals.js';
import { RegionDetector } from '../region/region-detector.js';
import { type BoxHeadOutput, roiBatch, roiLosses, sampleRois } from '../region/roi-heads.js';
import type { RcnnArchitecture } from './architecture.js';
import { RcnnNet } from './rcnn-net.js';
import { warpRois } from './warp.js';

/** Smooth-L1's quadratic zone on the box deltas, as the other region detectors use. */
const SMOOTH_L1_BETA = 1 / 9;

/**
 * Warped crops run through the CNN at most this many at a time: an evaluation batch of 256 scenes has about
 * 14,000 proposals, whose conv maps at once need more than the runtime's 1 GiB of scratch.
 */
const CROPS_PER_PASS = 256;

const storedArchitecture = rcnnSchema.extend({ network: networkShapeSchema });

/**
 * `rcnn` (Girshick et al. 2014) with the fine-tuned softmax classifier the paper compares its SVMs
 * with: selective-search proposals, each warped with context padding to `warpSize` and run through its
 * own CNN pass, softmax over the classes and background, class-specific box regression; per-class NMS.
 * Training samples proposals per image, 25% foreground at IoU >= 0.5 (the paper's fine-tuning batches).
 */
export class Rcnn extends RegionDetector<RcnnArchitecture, RcnnNet> {
  readonly task = 'detect';

  static create(spec: JobSpec, data: TrainingData): Rcnn {
    const arch = rcnnSchema.parse(spec.architecture);
    checkProposalMethod(arch.proposals);
    return new Rcnn(arch, RegionDetector.inputSpecOf(data), data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): Rcnn {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = RegionDetector.restore((rng) => new RcnnNet(arch, shape, rng), records);
    return new Rcnn(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  predict(batch: Tensor): TaskOutputs['detect'][] {
    const { net } = this.ready();
    const arch = this.architecture;
    return releasingTemporaries(() => {
      net.eval();
      const rois = roiBatch(imageProposals(batch, arch.proposals));
      return this.detectRois(batch.shape[0]!, rois, (found) => {
        const parts: BoxHeadOutput[] = [];
        for (let start = 0; start < found.imageOf.length; start += CROPS_PER_PASS) {
          const end = start + CROPS_PER_PASS;
          const part = {
            boxes: found.boxes.subarray(4 * start, 4 * end),
            imageOf: found.imageOf.subarray(start, end),
          };
          parts.push(net.forward(warpRois(batch, part, arch.warpSize)));
        }
        return {
          logits: concat(
            parts.map((p) => p.logits),
            0,
          ),
          deltas: concat(
            parts.map((p) => p.deltas),
            0,
          ),
        };
      });
    });
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const shape = RegionDetector.networkShape(data, spec, arch.activation);
    const net = new RcnnNet(arch, shape, rng);
    return this.trainScenes(net, shape, data, spec, hooks, rng, (inputs, scenes, stepRng) => {
      const sample = sampleRois(
        imageProposals(inputs, arch.proposals),
        scenes.objects,
        arch.roiHeads,
        stepRng,
      );
      const head = net.forward(warpRois(inputs, sample, arch.warpSize));
      return { losses: roiLosses(head, sample, SMOOTH_L1_BETA), head, labels: sample.labels };
    });
  }
}

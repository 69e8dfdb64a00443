import { fasterRcnnSchema, type JobSpec, type Metrics, networkShapeSchema } from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { noGrad, Rng, type Tensor } from '@ocellus/tensor';
import type { FitHooks, TaskOutputs, TrainingData } from '../../types.js';
import { RegionDetector } from '../region/region-detector.js';
import { roiBatch, roiLosses, sampleRois } from '../region/roi-heads.js';
import { poolRois, type RoiPooling } from '../region/roi-pooling.js';
import { proposalsOf, rpnLosses } from '../region/rpn.js';
import type { FasterRcnnArchitecture } from './architecture.js';
import { FasterRcnnNet } from './faster-rcnn-net.js';

/** Smooth-L1's quadratic zone on the RoI heads' deltas (torchvision's `fastrcnn_loss`). */
const ROI_SMOOTH_L1_BETA = 1 / 9;

const storedArchitecture = fasterRcnnSchema.extend({ network: networkShapeSchema });

/**
 * `faster-rcnn` (Ren et al. 2015, as torchvision builds it, one feature map): a conv backbone, a region
 * proposal network with anchors on its map, proposal NMS and top-N, RoIAlign of the proposals, a
 * two-FC box head with per-class deltas, per-class NMS. Trained end to end (approximate joint
 * training: the proposals are constants to the RoI heads), losses `rpnObjectness`, `rpnBox`, `cls`, `box`.
 */
export class FasterRcnn extends RegionDetector<FasterRcnnArchitecture, FasterRcnnNet> {
  static create(spec: JobSpec, data: TrainingData): FasterRcnn {
    const arch = fasterRcnnSchema.parse(spec.architecture);
    return new FasterRcnn(arch, RegionDetector.inputSpecOf(data), data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): FasterRcnn {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = RegionDetector.restore((rng) => new FasterRcnnNet(arch, shape, rng), records);
    return new FasterRcnn(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  private get pooling(): RoiPooling {
    return { method: 'align', ...this.architecture.roiAlign };
  }

  private proposals(
    net: FasterRcnnNet,
    rpn: ReturnType<FasterRcnnNet['rpn']['forward']>,
    phase: 'train' | 'test',
  ) {
    const { rpn: settings } = this.architecture;
    return proposalsOf(rpn, net.anchors, this.image, {
      preNms: settings.preNmsTopN[phase],
      postNms: settings.postNmsTopN[phase],
      nmsIou: settings.nmsIou,
    });
  }

  predict(batch: Tensor): TaskOutputs['detect'][] {
    const { net } = this.ready();
    return noGrad(() => {
      net.eval();
      const features = net.forward(batch);
      const rois = roiBatch(this.proposals(net, net.rpn.forward(features), 'test'));
      return this.detectRois(batch.shape[0]!, rois, (found) =>
        net.head.forward(poolRois(features, found, this.pooling, net.scale)),
      );
    });
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const shape = RegionDetector.networkShape(data, spec, arch.activation);
    const net = new FasterRcnnNet(arch, shape, rng);
    const [, rows, cols] = net.map;
    const rpnSettings = { ...arch.rpn, lambda: arch.lambda, cells: rows * cols };
    return this.trainScenes(net, shape, data, spec, hooks, rng, (inputs, scenes, stepRng) => {
      const features = net.forward(inputs);
      const rpn = net.rpn.forward(features);
      const boxes = scenes.objects.map((objects) => objects.map((o) => o.box));
      const rpnLoss = rpnLosses(rpn, net.anchors, boxes, rpnSettings, stepRng);
      const sample = sampleRois(this.proposals(net, rpn, 'train'), scenes.objects, arch.roiHeads, stepRng);
      const head = net.head.forward(poolRois(features, sample, this.pooling, net.scale));
      const roiLoss = roiLosses(head, sample, ROI_SMOOTH_L1_BETA);
      return { losses: { ...rpnLoss, ...roiLoss }, head, labels: sample.labels };
    });
  }
}

import {
  captionerSchema,
  fasterRcnnSchema,
  type JobSpec,
  type Metrics,
  maskRcnnSchema,
  networkShapeSchema,
} from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { Rng, releasingTemporaries, type Tensor } from '@ocellus/tensor';
import { prefixed } from '../../artifact.js';
import { Captioner } from '../../caption/captioner.js';
import { resolveFreeze, TransferError } from '../../transfer/backbone.js';
import { sameList } from '../../transfer/warm-start.js';
import type { FitHooks, TaskOutputs, TrainingData, VisionModel } from '../../types.js';
import { MaskRcnn } from '../mask-rcnn/mask-rcnn.js';
import { RegionDetector } from '../region/region-detector.js';
import type { FasterRcnnArchitecture } from './architecture.js';
import { FasterRcnnNet } from './faster-rcnn-net.js';
import { boxPooling, detectorStep, proposeRegions } from './stages.js';

const storedArchitecture = fasterRcnnSchema.extend({ network: networkShapeSchema });

/**
 * `faster-rcnn` (Ren et al. 2015, as torchvision builds it, one feature map): a conv backbone, a region
 * proposal network with anchors on its map, proposal NMS and top-N, RoIAlign of the proposals, a
 * two-FC box head with per-class deltas, per-class NMS. Trained end to end (approximate joint
 * training: the proposals are constants to the RoI heads), losses `rpnObjectness`, `rpnBox`, `cls`, `box`.
 */
export class FasterRcnn extends RegionDetector<FasterRcnnArchitecture, FasterRcnnNet> {
  readonly task = 'detect';

  static create(spec: JobSpec, data: TrainingData): FasterRcnn {
    const arch = fasterRcnnSchema.parse(spec.architecture);
    return new FasterRcnn(arch, RegionDetector.inputSpecOf(data), data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): FasterRcnn {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = RegionDetector.restore((rng) => new FasterRcnnNet(arch, shape, rng), records);
    return new FasterRcnn(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  predict(batch: Tensor): TaskOutputs['detect'][] {
    const { net } = this.ready();
    const arch = this.architecture;
    return releasingTemporaries(() => {
      net.eval();
      const { features, rois } = proposeRegions(net, arch, this.image, batch);
      return this.detectRois(batch.shape[0]!, rois, (found) =>
        net.head.forward(features.pool(net.roiMaps, found, boxPooling(arch))),
      );
    });
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const shape = RegionDetector.networkShape(data, spec, arch.activation);
    const net = new FasterRcnnNet(arch, shape, rng);
    return this.trainScenes(net, shape, data, spec, hooks, rng, (inputs, scenes, stepRng) =>
      detectorStep(net, arch, this.image, inputs, scenes, stepRng),
    );
  }

  /**
   * A model started from this detector (`transferFrom`), frozen where `transferFrom.freeze` says:
   * - a `mask-rcnn` on its trunk: backbone, RPN and box head as trained ('backbone', 'rpn', 'head' or a
   *   dotted name), under a new mask head; the spec's `maskHead` is used, the rest is this detector's;
   * - a `captioner` whose encoder is its backbone (its `layers`, trained to find digits; 'backbone' freezes
   *   it), under a new decoder; the spec's decoder fields are used.
   */
  transfer(spec: JobSpec, data: TrainingData): VisionModel {
    const { net, shape } = this.ready();
    const { type } = spec.architecture;
    if (type !== 'mask-rcnn' && type !== 'captioner') {
      throw new TransferError(
        `transferFrom: a faster-rcnn model starts a 'mask-rcnn' (its trunk under a new mask head) or a 'captioner' (its backbone as the encoder), not a '${type}'`,
      );
    }
    const { height, width } = this.inputSpec;
    if (
      data.set.height !== height ||
      data.set.width !== width ||
      data.set.channels !== this.inputSpec.channels
    ) {
      throw new TransferError(
        `transferFrom: the Faster R-CNN takes ${this.inputSpec.channels}x${height}x${width} images, the dataset has ` +
          `${data.set.channels}x${data.set.height}x${data.set.width}`,
      );
    }
    if (type === 'captioner') {
      const arch = captionerSchema.parse({
        ...spec.architecture,
        layers: this.architecture.layers,
        activation: this.architecture.activation,
      });
      const state = prefixed(net.backbone.stateDict(), 'encoder.backbone');
      const freeze = spec.transferFrom?.freeze ?? [];
      return Captioner.fromBackbone(arch, this.inputSpec, data.labels, {
        state,
        freeze,
        source: spec.transferFrom!.model,
      });
    }
    if (!sameList(data.labels, this.labels)) {
      throw new TransferError(
        `transferFrom: the Faster R-CNN detects [${this.labels.join(', ')}], the dataset has [${data.labels.join(', ')}]`,
      );
    }
    const { maskHead } = maskRcnnSchema.parse(spec.architecture);
    const last = this.architecture.layers.length - 1;
    const outside = (maskHead.maps ?? []).filter((block) => block > last);
    if (outside.length > 0) {
      throw new TransferError(
        `transferFrom: the Faster R-CNN's backbone has conv blocks 0..${last}; maskHead.maps names ${outside.join(', ')}`,
      );
    }
    const arch = maskRcnnSchema.parse({ ...this.architecture, type, maskHead });
    const freeze = resolveFreeze(spec.transferFrom?.freeze ?? [], ['backbone.'], net);
    return MaskRcnn.fromTrunk(arch, this.inputSpec, this.labels, { shape, state: net.stateDict(), freeze });
  }
}

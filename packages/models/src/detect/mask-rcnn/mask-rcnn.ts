import {
  type JobSpec,
  type Metrics,
  maskRcnnSchema,
  type NetworkShape,
  networkShapeSchema,
} from '@ocellus/contracts';
import type { InputSpec, Manifest } from '@ocellus/registry';
import { Rng, releasingTemporaries, sigmoid, Tensor } from '@ocellus/tensor';
import { frozenNormLayers } from '../../transfer/frozen-norms.js';
import type { Detection, FitHooks, RoiMask, TaskOutputs, TrainingData } from '../../types.js';
import { detectionTensors } from '../detection-tensors.js';
import { boxPooling, detectorStep, proposeRegions } from '../faster-rcnn/stages.js';
import type { BlockMaps } from '../region/block-maps.js';
import { flatBoxes } from '../region/flat-boxes.js';
import { RegionDetector } from '../region/region-detector.js';
import { detectionsOf, type RoiBatch } from '../region/roi-heads.js';
import type { MaskRcnnArchitecture } from './architecture.js';
import { MaskRcnnNet } from './mask-rcnn-net.js';
import { maskLoss, maskTargets } from './mask-targets.js';

const storedArchitecture = maskRcnnSchema.extend({ network: networkShapeSchema });

/**
 * Scratch one inference pass of the mask head may take, a quarter of the runtime's 1 GiB limit (the
 * estimate of `MaskHead.roisPerPass` has that headroom): a batch's detections (up to 100 a scene, 6,400
 * for a 64-scene evaluation batch) go through it as many RoIs at a time as fit. The head's convs would
 * split a larger batch themselves (kernels/conv-passes.ts); its RoIAlign, which stages every RoI's
 * pooled features at once, would not.
 */
export const MASK_PASS_BYTES = 256 * 2 ** 20;

/** A trained Faster R-CNN's network a Mask R-CNN starts from: its shape, its weights, the prefixes kept frozen. */
export interface TrunkStart {
  shape: NetworkShape;
  state: Record<string, Tensor>;
  freeze: readonly string[];
}

/**
 * `mask-rcnn` (He et al. 2017, as torchvision builds it, one feature map): Faster R-CNN with a mask head
 * on RoIAligned positives — `maskHead.roiOutput` square, four 3x3 convs, a 2x up-conv, one mask per class
 * — trained on the true masks RoIAligned to the RoI (binary cross-entropy on the true class's channel;
 * `mask` logged beside the detector's four losses). Each detection's mask is its class's sigmoid map,
 * `resolution` square over its box; the serializer pastes it into the upload.
 */
export class MaskRcnn extends RegionDetector<MaskRcnnArchitecture, MaskRcnnNet, 'segment'> {
  readonly task = 'segment';

  protected constructor(
    architecture: MaskRcnnArchitecture,
    inputSpec: InputSpec,
    labels: readonly string[],
    trained: { net: MaskRcnnNet; shape: NetworkShape } | null,
    private readonly start: TrunkStart | null = null,
  ) {
    super(architecture, inputSpec, labels, trained);
  }

  /** A Mask R-CNN whose backbone, RPN and box head start as a trained Faster R-CNN's (`transferFrom`). */
  static fromTrunk(
    arch: MaskRcnnArchitecture,
    inputSpec: InputSpec,
    labels: readonly string[],
    start: TrunkStart,
  ): MaskRcnn {
    return new MaskRcnn(arch, inputSpec, labels, null, start);
  }

  /** Scratch one inference pass of the mask head may take (MASK_PASS_BYTES unless set). */
  maskPassBytes = MASK_PASS_BYTES;

  static create(spec: JobSpec, data: TrainingData): MaskRcnn {
    const arch = maskRcnnSchema.parse(spec.architecture);
    return new MaskRcnn(arch, RegionDetector.inputSpecOf(data), data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): MaskRcnn {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = RegionDetector.restore((rng) => new MaskRcnnNet(arch, shape, rng), records);
    return new MaskRcnn(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  /**
   * The mask logits [R, classes + 1, M, M] of `rois` from the mask head's maps, RoIAligned half-pixel
   * aligned as the targets are (see `maskTargets`), so mask cell and target cell see the same place.
   */
  private maskLogits(net: MaskRcnnNet, features: BlockMaps, rois: RoiBatch): Tensor {
    const { roiOutput: output } = this.architecture.maskHead;
    const { samplingRatio } = this.architecture.roiAlign;
    return net.mask.forward(
      features.pool(net.maskMaps, rois, { method: 'align', output, samplingRatio, aligned: true }),
    );
  }

  /**
   * Each detection's mask probabilities for every class [R, classes + 1, M, M] as one flat array, through
   * the head as many RoIs at a time as `maskPassBytes` of scratch allow.
   */
  private maskProbabilities(
    features: BlockMaps,
    detections: readonly Detection[],
    imageOf: Int32Array,
  ): { values: Float32Array; channels: number; side: number } {
    const { net } = this.ready();
    const perPass = net.mask.roisPerPass(this.architecture.maskHead.roiOutput, this.maskPassBytes);
    const channels = this.labels.length + 1;
    const side = this.architecture.maskHead.resolution;
    const values = new Float32Array(detections.length * channels * side * side);
    for (let start = 0; start < detections.length; start += perPass) {
      const end = Math.min(start + perPass, detections.length);
      const boxes = flatBoxes(detections.slice(start, end).map((d) => d.box));
      const pass = sigmoid(this.maskLogits(net, features, { boxes, imageOf: imageOf.subarray(start, end) }));
      values.set(pass.values() as Float32Array, start * channels * side * side);
    }
    return { values, channels, side };
  }

  predict(batch: Tensor): TaskOutputs['segment'][] {
    const { net } = this.ready();
    const arch = this.architecture;
    const n = batch.shape[0]!;
    return releasingTemporaries(() => {
      net.eval();
      const { features, rois } = proposeRegions(net, arch, this.image, batch);
      if (rois.imageOf.length === 0) return Array.from({ length: n }, () => ({ detections: [] }));
      const head = net.head.forward(features.pool(net.roiMaps, rois, boxPooling(arch)));
      const found = detectionsOf(head, rois, n, this.image, arch.roiHeads);
      const all = found.flat();
      if (all.length === 0) return found.map(() => ({ detections: [] }));
      const imageOf = Int32Array.from(found.flatMap((list, i) => list.map(() => i)));
      const { values, channels, side: m } = this.maskProbabilities(features, all, imageOf);
      const withMask = all.map((d: Detection, r): Detection & { mask: RoiMask } => {
        const at = (r * channels + d.index + 1) * m * m;
        return { ...d, mask: { height: m, width: m, data: values.slice(at, at + m * m) } };
      });
      let next = 0;
      return found.map((list) => ({ detections: withMask.slice(next, (next += list.length)) }));
    });
  }

  /** Detection tensors (see detectionTensors) and `masks` [N, D, M, M], each detection's mask over its box. */
  override infer(batch: Tensor): Record<string, Tensor> {
    const outputs = this.predict(batch);
    const limit = this.architecture.roiHeads.detectionsPerImage;
    const m = this.architecture.maskHead.resolution;
    const masks = new Float32Array(outputs.length * limit * m * m);
    outputs.forEach(({ detections }, i) => {
      detections.slice(0, limit).forEach(({ mask }, j) => {
        masks.set(mask.data, (i * limit + j) * m * m);
      });
    });
    return { ...detectionTensors(outputs, limit), masks: new Tensor(masks, [outputs.length, limit, m, m]) };
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const shape = this.start?.shape ?? RegionDetector.networkShape(data, spec, arch.activation);
    const net = new MaskRcnnNet(arch, shape, rng);
    if (this.start) {
      net.loadStateDict({ ...net.stateDict(), ...this.start.state });
      for (const prefix of this.start.freeze) net.freeze(prefix);
    }
    // Batch norms under frozen weights keep the trunk's statistics.
    const frozenNorms = frozenNormLayers(net);
    return this.trainScenes(net, shape, data, spec, hooks, rng, (inputs, scenes, stepRng) => {
      for (const layer of frozenNorms) layer.eval();
      const step = detectorStep(net, arch, this.image, inputs, scenes, stepRng);
      const { sample } = step;
      const positives = Array.from(sample.labels.keys()).filter((r) => sample.labels[r]! > 0);
      if (positives.length === 0) return step;
      const rois = {
        boxes: Float32Array.from(
          positives.flatMap((r) => Array.from(sample.boxes.subarray(4 * r, 4 * r + 4))),
        ),
        imageOf: Int32Array.from(positives, (r) => sample.imageOf[r]!),
      };
      const logits = this.maskLogits(net, step.features, rois);
      const targets = maskTargets(sample, positives, scenes.objects, this.image, arch.maskHead.resolution);
      const labels = positives.map((r) => sample.labels[r]!);
      return { ...step, losses: { ...step.losses, mask: maskLoss(logits, targets, labels) } };
    });
  }
}

import {
  fasterRcnnSchema,
  type InputSpec,
  type JobSpec,
  type Metrics,
  type NetworkShape,
  networkShapeSchema,
} from '@ocellus/contracts';
import { l2Penalty } from '@ocellus/nn/losses';
import type { Manifest } from '@ocellus/registry';
import { argmax, mul, noGrad, Rng, roiAlign, type Tensor } from '@ocellus/tensor';
import { prefixed, withPrefix } from '../../artifact.js';
import { photoLikeObjects } from '../../augment/photo-like-objects.js';
import { initScheme } from '../../classify/network-builder.js';
import { fitMetrics, trainNetwork } from '../../training/train-network.js';
import type { Artifact, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../../types.js';
import { detectionTensors } from '../detection-tensors.js';
import type { ImageSize } from '../region/flat-boxes.js';
import {
  type BoxHeadOutput,
  detectionsOf,
  type RoiBatch,
  roiBatch,
  roiLosses,
  roiTensor,
  sampleRois,
} from '../region/roi-heads.js';
import { proposalsOf, rpnLosses } from '../region/rpn.js';
import { SceneDataset, type SceneTargets } from '../region/scene-dataset.js';
import type { FasterRcnnArchitecture } from './architecture.js';
import { FasterRcnnNet } from './faster-rcnn-net.js';

/** Smooth-L1's quadratic zone on the RoI heads' deltas (torchvision's `fastrcnn_loss`). */
const ROI_SMOOTH_L1_BETA = 1 / 9;

const storedArchitecture = fasterRcnnSchema.extend({ network: networkShapeSchema });

/** One training step's four losses and the RoI head's view of its sampled RoIs. */
interface StepOutput {
  losses: Record<string, Tensor>;
  head: BoxHeadOutput;
  labels: Int32Array;
}

/**
 * `faster-rcnn` (Ren et al. 2015, as torchvision builds it, one feature map): a conv backbone, a region
 * proposal network with anchors on its map, proposal NMS and top-N, RoIAlign of the proposals, a
 * two-FC box head with per-class deltas, per-class NMS. Trained end to end (approximate joint
 * training: the proposals are constants to the RoI heads), losses `rpnObjectness`, `rpnBox`, `cls`, `box`.
 */
export class FasterRcnn implements VisionModel<'detect'> {
  readonly task = 'detect';

  private constructor(
    readonly architecture: FasterRcnnArchitecture,
    readonly inputSpec: InputSpec,
    readonly labels: readonly string[],
    private trained: { net: FasterRcnnNet; shape: NetworkShape } | null,
  ) {}

  static create(spec: JobSpec, data: TrainingData): FasterRcnn {
    const arch = fasterRcnnSchema.parse(spec.architecture);
    const { channels, height, width } = data.set;
    return new FasterRcnn(arch, { channels, height, width, format: data.imageFormat }, data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): FasterRcnn {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = new FasterRcnnNet(arch, shape, new Rng(0));
    net.loadStateDict(withPrefix(records, 'net'));
    net.eval();
    return new FasterRcnn(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  private ready() {
    if (!this.trained) throw new Error('the model has not been trained');
    return this.trained;
  }

  private get image(): ImageSize {
    return { height: this.inputSpec.height, width: this.inputSpec.width };
  }

  private pool(net: FasterRcnnNet, features: Tensor, rois: RoiBatch): Tensor {
    const { output, samplingRatio } = this.architecture.roiAlign;
    return roiAlign(features, roiTensor(rois), {
      outputSize: output,
      spatialScale: net.scale,
      samplingRatio,
    });
  }

  predict(batch: Tensor): TaskOutputs['detect'][] {
    const { net } = this.ready();
    const arch = this.architecture;
    const n = batch.shape[0]!;
    return noGrad(() => {
      net.eval();
      const features = net.forward(batch);
      const proposals = proposalsOf(net.rpn.forward(features), net.anchors, this.image, {
        preNms: arch.rpn.preNmsTopN.test,
        postNms: arch.rpn.postNmsTopN.test,
        nmsIou: arch.rpn.nmsIou,
      });
      const rois = roiBatch(proposals);
      if (rois.imageOf.length === 0) return Array.from({ length: n }, () => ({ detections: [] }));
      const head = net.head.forward(this.pool(net, features, rois));
      return detectionsOf(head, rois, n, this.image, arch.roiHeads).map((detections) => ({ detections }));
    });
  }

  /** `boxes` [N, D, 4] in model-input pixels, `scores` [N, D] and `classes` [N, D] (see detectionTensors). */
  infer(batch: Tensor): Record<string, Tensor> {
    return detectionTensors(this.predict(batch), this.architecture.roiHeads.detectionsPerImage);
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const detect = data as TrainingData<'detect'>;
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const { channels, height, width } = data.set;
    const shape: NetworkShape = {
      inputShape: [channels, height, width],
      classes: data.labels.length,
      dropout: spec.regularization.dropout,
      init: initScheme(spec.init, arch.activation),
    };
    const net = new FasterRcnnNet(arch, shape, rng);
    const targets = (indices: Int32Array) => detect.targets(indices);
    const augment = spec.augmentation.photoLike ? { augment: photoLikeObjects(width, height) } : {};
    const train = new SceneDataset(data.set, { indices: data.train, targets, ...augment });
    const validation = new SceneDataset(data.set, { indices: data.validation, targets });
    const [, rows, cols] = net.map;
    const { l2 } = spec.regularization;
    const step = (inputs: Tensor, scenes: SceneTargets, stepRng: Rng): StepOutput => {
      const features = net.forward(inputs);
      const rpnOut = net.rpn.forward(features);
      const boxes = scenes.objects.map((objects) => objects.map((o) => o.box));
      const rpn = rpnLosses(
        rpnOut,
        net.anchors,
        boxes,
        { ...arch.rpn, lambda: arch.lambda, cells: rows * cols },
        stepRng,
      );
      const proposals = proposalsOf(rpnOut, net.anchors, this.image, {
        preNms: arch.rpn.preNmsTopN.train,
        postNms: arch.rpn.postNmsTopN.train,
        nmsIou: arch.rpn.nmsIou,
      });
      const sample = sampleRois(proposals, scenes.objects, arch.roiHeads, stepRng);
      const head = net.head.forward(this.pool(net, features, sample));
      const roi = roiLosses(head, sample, ROI_SMOOTH_L1_BETA);
      return { losses: { ...rpn, ...roi }, head, labels: sample.labels };
    };
    const result = await trainNetwork<SceneTargets, StepOutput>(
      net,
      {
        train,
        validation,
        forward: (_model, batch, stepRng) => step(batch.inputs, batch.targets, stepRng),
        loss: (out) => ({ ...out.losses, ...(l2 > 0 ? { l2: mul(l2Penalty(net), l2) } : {}) }),
        metrics: (out) => {
          const predicted = argmax(out.head.logits, 1).values();
          const correct = out.labels.reduce((n, label, i) => n + (predicted[i] === label ? 1 : 0), 0);
          return { roiAccuracy: correct / Math.max(out.labels.length, 1) };
        },
        monitor: { metric: 'val_loss', mode: 'min' },
        logMetric: 'val_roiAccuracy',
      },
      spec,
      hooks,
      rng,
    );
    net.eval();
    this.trained = { net, shape };
    return fitMetrics(result, { valRoiAccuracy: 'val_roiAccuracy' });
  }

  toArtifact(): Artifact {
    const { net, shape } = this.ready();
    return {
      architecture: { ...this.architecture, network: shape },
      inputSpec: this.inputSpec,
      labels: [...this.labels],
      preprocessing: {},
      tensors: prefixed(net.stateDict(), 'net'),
    };
  }
}

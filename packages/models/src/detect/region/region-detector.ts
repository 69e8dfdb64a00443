import type { InputSpec, JobSpec, Metrics, NetworkShape } from '@ocellus/contracts';
import { l2Penalty } from '@ocellus/nn/losses';
import type { Module } from '@ocellus/nn/module';
import { argmax, mul, Rng, type Tensor } from '@ocellus/tensor';
import { prefixed, withPrefix } from '../../artifact.js';
import { photoLikeObjects } from '../../augment/photo-like-objects.js';
import { initScheme } from '../../classify/network-builder.js';
import type { Activation } from '../../networks/activation.js';
import { dropoutShape } from '../../networks/stacks.js';
import { fitMetrics, trainNetwork } from '../../training/train-network.js';
import type { Artifact, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../../types.js';
import { detectionTensors } from '../detection-tensors.js';
import type { ImageSize } from './flat-boxes.js';
import { type BoxHeadOutput, detectionsOf, type RoiBatch, type RoiHeadSettings } from './roi-heads.js';
import { SceneDataset, type SceneTargets } from './scene-dataset.js';

/** One training step of a region detector: its named losses and the RoI head's view of the sampled RoIs. */
export interface RegionStep {
  losses: Record<string, Tensor>;
  head: BoxHeadOutput;
  labels: Int32Array;
}

/**
 * What the two-stage detectors (R-CNN, Fast, Faster and Mask R-CNN) share: the RoI heads' settings, detections
 * as tensors, the artifact, and training on scenes (photo-like when the spec says so) with the RoI
 * heads' accuracy on their sampled RoIs as the logged figure.
 */
export abstract class RegionDetector<
  A extends { type: string; roiHeads: RoiHeadSettings },
  N extends Module,
  T extends 'detect' | 'segment' = 'detect',
> implements VisionModel<T>
{
  abstract readonly task: T;

  protected constructor(
    readonly architecture: A,
    readonly inputSpec: InputSpec,
    readonly labels: readonly string[],
    protected trained: { net: N; shape: NetworkShape } | null,
  ) {}

  protected ready() {
    if (!this.trained) throw new Error('the model has not been trained');
    return this.trained;
  }

  protected get image(): ImageSize {
    return { height: this.inputSpec.height, width: this.inputSpec.width };
  }

  /** What a detector trained on `data` reads: its images as they are, in the set's format. */
  protected static inputSpecOf(data: TrainingData): InputSpec {
    const { channels, height, width } = data.set;
    return { channels, height, width, format: data.imageFormat };
  }

  /** The shape a network is built with for `data` and `spec`, recorded in the artifact. */
  protected static networkShape(data: TrainingData, spec: JobSpec, activation: Activation): NetworkShape {
    const { channels, height, width } = data.set;
    return {
      inputShape: [channels, height, width],
      classes: data.labels.length,
      ...dropoutShape(spec.regularization),
      init: initScheme(spec.init, activation),
    };
  }

  /** A published network: built to its recorded shape, its weights loaded, in eval mode. */
  protected static restore<M extends Module>(build: (rng: Rng) => M, records: Record<string, Tensor>): M {
    const net = build(new Rng(0));
    net.loadStateDict(withPrefix(records, 'net'));
    net.eval();
    return net;
  }

  /**
   * `predict`'s common path for `n` images without gradients: `rois` of each image (none: no detections),
   * `head` run on them, detections per image.
   */
  protected detectRois(
    n: number,
    rois: RoiBatch,
    head: (rois: RoiBatch) => BoxHeadOutput,
  ): TaskOutputs['detect'][] {
    if (rois.imageOf.length === 0) return Array.from({ length: n }, () => ({ detections: [] }));
    const found = detectionsOf(head(rois), rois, n, this.image, this.architecture.roiHeads);
    return found.map((detections) => ({ detections }));
  }

  abstract predict(batch: Tensor): TaskOutputs[T][];

  abstract fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics>;

  /** `boxes` [N, D, 4] in model-input pixels, `scores` [N, D] and `classes` [N, D] (see detectionTensors). */
  infer(batch: Tensor): Record<string, Tensor> {
    return detectionTensors(this.predict(batch), this.architecture.roiHeads.detectionsPerImage);
  }

  /** Trains `net` with `step` on the training scenes; the best epoch by validation loss is kept. */
  protected async trainScenes(
    net: N,
    shape: NetworkShape,
    data: TrainingData,
    spec: JobSpec,
    hooks: FitHooks,
    rng: Rng,
    step: (inputs: Tensor, scenes: SceneTargets, stepRng: Rng) => RegionStep,
  ): Promise<Metrics> {
    const detect = data as TrainingData<'detect'>;
    const targets = (indices: Int32Array) => detect.targets(indices);
    const { width, height } = data.set;
    const { photoLike, photoLikeShare: share, photoLikeJpeg: jpeg } = spec.augmentation;
    const augment = photoLike ? { augment: photoLikeObjects(width, height, { share, jpeg }) } : {};
    const train = new SceneDataset(data.set, { indices: data.train, targets, ...augment });
    const validation = new SceneDataset(data.set, { indices: data.validation, targets });
    const { l2 } = spec.regularization;
    const result = await trainNetwork<SceneTargets, RegionStep>(
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
        // The training step's batch, which fits in memory with its backward pass besides: at fit's 256
        // scenes a 32-channel mask head's step on the positives asked for 2.1 GB of conv scratch.
        validationBatchSize: spec.schedule.batchSize,
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

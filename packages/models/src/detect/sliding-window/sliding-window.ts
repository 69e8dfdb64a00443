import {
  type InputSpec,
  type JobSpec,
  type Metrics,
  type NetworkShape,
  networkShapeSchema,
  slidingWindowSchema,
} from '@ocellus/contracts';
import { l2Penalty, smoothL1Loss, softmaxCrossEntropy } from '@ocellus/nn/losses';
import type { Batch } from '@ocellus/nn/train';
import type { Manifest } from '@ocellus/registry';
import {
  argmax,
  indexSelect,
  mul,
  Rng,
  releasingTemporaries,
  reshape,
  sum,
  type Tensor,
} from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { prefixed, withPrefix } from '../../artifact.js';
import { initScheme } from '../../classify/network-builder.js';
import { dropoutShape } from '../../networks/stacks.js';
import { fitMetrics, trainNetwork } from '../../training/train-network.js';
import type { Artifact, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../../types.js';
import { detectionTensors } from '../detection-tensors.js';
import type { SlidingWindowArchitecture } from './architecture.js';
import { detectionsOf } from './detections.js';
import type { Window } from './framing.js';
import { mineHardNegatives } from './hard-negatives.js';
import { scanPyramid } from './pyramid.js';
import { WindowDataset, type WindowTargets } from './window-dataset.js';
import { WindowNet, type WindowOutput } from './window-net.js';

/** Smooth-L1's quadratic zone on box codes (fractions of the window), as the localizer uses. */
const SMOOTH_L1_BETA = 1 / 9;
/** Seed of the validation windows, drawn the same way every epoch. */
const VALIDATION_SEED = 7;

const storedArchitecture = slidingWindowSchema.extend({ network: networkShapeSchema });

/** One window per row: [n, classes + 1] logits and [n, 4] box codes from the 1x1 output cells. */
function flat(out: WindowOutput): { logits: Tensor; box: Tensor } {
  const n = out.logits.shape[0]!;
  return { logits: reshape(out.logits, [n, out.logits.shape[1]!]), box: reshape(out.box, [n, 4]) };
}

/**
 * `sliding-window` (CS231n's sliding-window detector, done as OverFeat does): a window classifier with
 * a background class and a box head, its FC layers run as convolutions over an image pyramid, then
 * per-class NMS. Trained on object windows, random background windows and mined hard negatives.
 */
export class SlidingWindowDetector implements VisionModel<'detect'> {
  readonly task = 'detect';

  private constructor(
    readonly architecture: SlidingWindowArchitecture,
    readonly inputSpec: InputSpec,
    readonly labels: readonly string[],
    private trained: { net: WindowNet; shape: NetworkShape } | null,
  ) {}

  static create(spec: JobSpec, data: TrainingData): SlidingWindowDetector {
    const arch = slidingWindowSchema.parse(spec.architecture);
    const { channels, height, width } = data.set;
    return new SlidingWindowDetector(
      arch,
      { channels, height, width, format: data.imageFormat },
      data.labels,
      null,
    );
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): SlidingWindowDetector {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = new WindowNet(arch, shape, new Rng(0));
    net.loadStateDict(withPrefix(records, 'net'));
    net.eval();
    return new SlidingWindowDetector(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  private ready() {
    if (!this.trained) throw new Error('the model has not been trained');
    return this.trained;
  }

  predict(batch: Tensor): TaskOutputs['detect'][] {
    const { net } = this.ready();
    const arch = this.architecture;
    const [, , height, width] = batch.shape as [number, number, number, number];
    const found = releasingTemporaries(() =>
      scanPyramid(net, batch, {
        size: arch.window.size,
        sides: arch.window.sizes,
        threshold: arch.scoreThreshold,
        classes: this.labels.length,
      }),
    );
    const options = { nmsIou: arch.nmsIou, limit: arch.detectionsPerImage };
    return found.map((candidates) => ({ detections: detectionsOf(candidates, { width, height }, options) }));
  }

  /** `boxes` [N, D, 4] in model-input pixels, `scores` [N, D] and `classes` [N, D] (see detectionTensors). */
  infer(batch: Tensor): Record<string, Tensor> {
    return detectionTensors(this.predict(batch), this.architecture.detectionsPerImage);
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const detect = data as TrainingData<'detect'>;
    const arch = this.architecture;
    const rng = new Rng(spec.seed);
    const classes = data.labels.length;
    const shape: NetworkShape = {
      inputShape: [data.set.channels, arch.window.size, arch.window.size],
      classes,
      ...dropoutShape(spec.regularization),
      init: initScheme(spec.init, arch.activation),
    };
    const net = new WindowNet(arch, shape, rng);
    const targets = (indices: Int32Array) => detect.targets(indices);
    const hardNegatives = new Map<number, Window[]>();
    const common = { targets, arch, background: classes };
    const train = new WindowDataset(data.set, { ...common, indices: data.train, hardNegatives });
    const validation = new WindowDataset(data.set, {
      ...common,
      indices: data.validation,
      fixedSeed: VALIDATION_SEED,
    });
    const mine = (epoch: number) => {
      const { hardNegativesPerImage, minedImages } = arch.sampling;
      if (hardNegativesPerImage === 0 || minedImages === 0 || epoch >= spec.schedule.epochs) return;
      const count = Math.min(minedImages, data.train.length);
      const from = ((epoch - 1) * count) % data.train.length;
      const slice = Int32Array.from({ length: count }, (_, i) => data.train[(from + i) % data.train.length]!);
      for (let start = 0; start < slice.length; start += 64) {
        const chunk = slice.subarray(start, start + 64);
        const objects = targets(chunk).map((t) => t.objects);
        const mined = mineHardNegatives(net, gatherBatch(data.set, chunk).inputs, objects, arch, classes);
        chunk.forEach((index, i) => {
          hardNegatives.set(index, mined[i]!);
        });
      }
      net.train();
    };
    const { l2 } = spec.regularization;
    const result = await trainNetwork<WindowTargets, WindowOutput>(
      net,
      {
        train,
        validation,
        forward: (_model, batch) => net.forward(batch.inputs),
        loss: (out, batch: Batch<WindowTargets>) => {
          const { logits, box } = flat(out);
          const { positives, boxes } = batch.targets;
          const boxLoss =
            positives.length > 0
              ? mul(
                  smoothL1Loss(indexSelect(box, 0, positives), boxes, { beta: SMOOTH_L1_BETA }),
                  arch.boxWeight,
                )
              : sum(mul(box, 0));
          return {
            cls: softmaxCrossEntropy(logits, batch.targets.classes),
            box: boxLoss,
            ...(l2 > 0 ? { l2: mul(l2Penalty(net), l2) } : {}),
          };
        },
        metrics: (out, batch) => {
          const predicted = argmax(flat(out).logits, 1).values();
          let correct = 0;
          batch.targets.classes.forEach((c, i) => {
            if (predicted[i] === c) correct++;
          });
          return { accuracy: correct / Math.max(batch.size, 1) };
        },
        monitor: { metric: 'val_loss', mode: 'min' },
        logMetric: 'val_accuracy',
        onEpoch: mine,
      },
      spec,
      hooks,
      rng,
    );
    net.eval();
    this.trained = { net, shape };
    return fitMetrics(result, { valAccuracy: 'val_accuracy' });
  }

  toArtifact(): Artifact {
    const { net, shape } = this.ready();
    return {
      architecture: { ...this.architecture, network: shape, stride: net.stride },
      inputSpec: this.inputSpec,
      labels: [...this.labels],
      preprocessing: {},
      tensors: prefixed(net.stateDict(), 'net'),
    };
  }
}

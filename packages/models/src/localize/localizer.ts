import {
  type InputSpec,
  type JobSpec,
  localizerSchema,
  type Metrics,
  networkShapeSchema,
} from '@ocellus/contracts';
import { l2Penalty, mseLoss, smoothL1Loss, softmaxCrossEntropy } from '@ocellus/nn/losses';
import type { Batch } from '@ocellus/nn/train';
import type { Manifest } from '@ocellus/registry';
import { argmax, mul, noGrad, Rng, releasingTemporaries, softmax, Tensor } from '@ocellus/tensor';
import { boxIou } from '@ocellus/vision/boxes';
import { gatherBatch } from '@ocellus/vision/datasets';
import { type PreprocessingJson, Preprocessor } from '@ocellus/vision/preprocessing';
import { prefixed, withPrefix } from '../artifact.js';
import { photoLikeObjects } from '../augment/photo-like-objects.js';
import { initScheme, type NetworkShape } from '../classify/network-builder.js';
import { scoreRows } from '../classify/score-rows.js';
import { dropoutShape } from '../networks/stacks.js';
import { fitMetrics, trainNetwork } from '../training/train-network.js';
import type { Artifact, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../types.js';
import { decodeBox } from './box-encoding.js';
import { jitterBoxCodes } from './box-jitter.js';
import { decodeGrid, type GridTargets, gridTargets } from './centre-grid.js';
import { LocalizationDataset, type LocalizationTargets } from './localization-dataset.js';
import type { LocalizerArchitecture } from './localizer-architecture.js';
import { LocalizerNet, type LocalizerOutput } from './localizer-net.js';

const storedArchitecture = localizerSchema.extend({ network: networkShapeSchema });

/** Box codes (`encodeBox`) as flat `[x1, y1, x2, y2]` boxes in `width x height` pixels. */
function pixelBoxes(codes: ArrayLike<number>, width: number, height: number): Float32Array {
  const n = codes.length / 4;
  const boxes = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) boxes.set(decodeBox(codes, width, height, 4 * i), 4 * i);
  return boxes;
}

/**
 * Per batch: class accuracy (of the class head on the true box in training) and the mean IoU of the
 * decoded boxes with the true ones.
 */
function batchMetrics(
  network: LocalizerNet,
  out: LocalizerOutput,
  batch: Batch<LocalizationTargets>,
): Record<string, number> {
  const predicted = argmax(out.logits, 1).values();
  const codes = decodeGrid(out.centre, out.box, network.grid);
  const truth = batch.targets.boxes.values();
  let correct = 0;
  let iou = 0;
  for (let i = 0; i < batch.size; i++) {
    if (predicted[i] === batch.targets.classes[i]) correct++;
    iou += boxIou(decodeBox(codes, 1, 1, 4 * i), decodeBox(truth, 1, 1, 4 * i));
  }
  return { accuracy: correct / batch.size, iou: iou / batch.size };
}

/**
 * `localizer` (CS231n classification + localization): one conv backbone with a dense box head, and a
 * class head on the warped box, trained with L = L_cls + L_aux + L_centre + boxWeight * L_box: softmax
 * cross-entropy over the classes (class head and the backbone's auxiliary probe) and over the cells for
 * the centre, smooth-L1 or L2 on the box codes of `centre-grid` around the centre.
 */
export class Localizer implements VisionModel<'localize'> {
  readonly task = 'localize';

  private constructor(
    readonly architecture: LocalizerArchitecture,
    readonly inputSpec: InputSpec,
    readonly labels: readonly string[],
    private trained: { network: LocalizerNet; preprocessor: Preprocessor; shape: NetworkShape } | null,
  ) {}

  static create(spec: JobSpec, data: TrainingData): Localizer {
    const arch = localizerSchema.parse(spec.architecture);
    const { channels, height, width } = data.set;
    return new Localizer(arch, { channels, height, width, format: data.imageFormat }, data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): Localizer {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const preprocessor = Preprocessor.fromArtifact(
      manifest.preprocessing as unknown as PreprocessingJson,
      withPrefix(records, 'pre'),
    );
    const network = new LocalizerNet(arch, shape, new Rng(0));
    network.loadStateDict(withPrefix(records, 'net'));
    network.eval();
    return new Localizer(arch, manifest.inputSpec, manifest.labels, { network, preprocessor, shape });
  }

  private ready() {
    if (!this.trained) throw new Error('the model has not been trained');
    return this.trained;
  }

  /** `scores` [N, classes] (softmax) and `box` [N, 4] as `[x1, y1, x2, y2]` in model-input pixels. */
  infer(batch: Tensor): Record<string, Tensor> {
    const { network, preprocessor } = this.ready();
    const { height, width } = this.inputSpec;
    return noGrad(() => {
      network.eval();
      const inputs = preprocessor.transform(batch);
      const out = network.forward(inputs);
      const boxes = pixelBoxes(decodeGrid(out.centre, out.box, network.grid), width, height);
      const logits = network.classify(inputs, boxes);
      return { scores: softmax(logits, 1), box: new Tensor(boxes, [boxes.length / 4, 4]) };
    });
  }

  predict(batch: Tensor): TaskOutputs['localize'][] {
    return releasingTemporaries(() => {
      const { scores, box } = this.infer(batch);
      const boxes = box!.values();
      return scoreRows(scores!).map(({ scores: row }, i) => ({
        scores: row,
        box: [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!],
      }));
    });
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const localize = data as TrainingData<'localize'>;
    const rng = new Rng(spec.seed);
    const arch = this.architecture;
    const trainImages = gatherBatch(data.set, data.train).inputs;
    const preprocessor = Preprocessor.fit(spec.preprocessing, trainImages);
    const shape: NetworkShape = {
      inputShape: trainImages.shape.slice(1),
      classes: data.labels.length,
      ...dropoutShape(spec.regularization),
      init: initScheme(spec.init, arch.activation),
    };
    const network = new LocalizerNet(arch, shape, rng);
    const targets = (indices: Int32Array) => localize.targets(indices);
    const train = new LocalizationDataset(data.set, {
      indices: data.train,
      targets,
      preprocess: preprocessor,
      ...(spec.augmentation.photoLike
        ? {
            augment: photoLikeObjects(data.set.width, data.set.height, {
              share: spec.augmentation.photoLikeShare,
              jpeg: spec.augmentation.photoLikeJpeg,
            }),
          }
        : {}),
    });
    const validation = new LocalizationDataset(data.set, {
      indices: data.validation,
      targets,
      preprocess: preprocessor,
    });
    const { l2 } = spec.regularization;
    const boxLoss = (out: LocalizerOutput, targets: GridTargets) =>
      arch.boxLoss === 'l2'
        ? mseLoss(out.box, targets.boxes, { weights: targets.weights })
        : smoothL1Loss(out.box, targets.boxes, { beta: arch.smoothL1Beta, weights: targets.weights });
    const result = await trainNetwork<LocalizationTargets, LocalizerOutput>(
      network,
      {
        train,
        validation,
        forward: (_model, batch) => {
          const maps = network.forward(batch.inputs);
          const codes = batch.targets.boxes.values();
          const seen = network.training ? jitterBoxCodes(codes, arch.classifier.jitter, rng) : codes;
          const truth = pixelBoxes(seen, data.set.width, data.set.height);
          return { ...maps, logits: network.classify(batch.inputs, truth) };
        },
        loss: (out, batch) => {
          const grid = gridTargets(batch.targets.boxes, network.grid);
          return {
            cls: softmaxCrossEntropy(out.logits, batch.targets.classes),
            aux: softmaxCrossEntropy(out.aux, batch.targets.classes),
            centre: softmaxCrossEntropy(out.centre, grid.centres),
            box: mul(boxLoss(out, grid), arch.boxWeight),
            ...(l2 > 0 ? { l2: mul(l2Penalty(network), l2) } : {}),
          };
        },
        metrics: (out, batch) => batchMetrics(network, out, batch),
        monitor: { metric: 'val_loss', mode: 'min' },
        logMetric: 'val_iou',
      },
      spec,
      hooks,
      rng,
    );
    network.eval();
    this.trained = { network, preprocessor, shape };
    return fitMetrics(result, { valAccuracy: 'val_accuracy', valMeanIou: 'val_iou' });
  }

  toArtifact(): Artifact {
    const { network, preprocessor, shape } = this.ready();
    return {
      architecture: { ...this.architecture, network: shape },
      inputSpec: this.inputSpec,
      labels: [...this.labels],
      preprocessing: { ...preprocessor.toJSON() },
      tensors: { ...prefixed(network.stateDict(), 'net'), ...prefixed(preprocessor.tensors(), 'pre') },
    };
  }
}

import type { InputSpec, JobSpec, Metrics } from '@ocellus/contracts';
import type { Sequential } from '@ocellus/nn/layers';
import { l1Penalty, l2Penalty, softmaxCrossEntropy, svmLoss } from '@ocellus/nn/losses';
import type { Batch } from '@ocellus/nn/train';
import type { Manifest } from '@ocellus/registry';
import { add, argmax, mul, noGrad, Rng, softmax, type Tensor } from '@ocellus/tensor';
import { augmentation, mirror } from '@ocellus/vision/augment';
import { gatherBatch, ImageDataset } from '@ocellus/vision/datasets';
import { type PreprocessingJson, Preprocessor } from '@ocellus/vision/preprocessing';
import { prefixed, withPrefix } from '../artifact.js';
import { dropoutShape } from '../networks/stacks.js';
import { fitMetrics, trainNetwork } from '../training/train-network.js';
import { frozenNormLayers } from '../transfer/frozen-norms.js';
import { applyWarmStart, planWarmStart, type WarmStart } from '../transfer/warm-start.js';
import type { Artifact, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../types.js';
import { buildNetwork, initScheme, type NetworkArchitecture, type NetworkShape } from './network-builder.js';
import { scoreRows } from './score-rows.js';

function accuracyOf(output: Tensor, targets: Int32Array): number {
  const predicted = argmax(output, 1).values();
  let correct = 0;
  for (let i = 0; i < targets.length; i++) if (predicted[i] === targets[i]) correct++;
  return correct / Math.max(targets.length, 1);
}

/** linear (SVM / softmax), mlp and cnn: a network trained by gradient descent on preprocessed images. */
export class NetworkClassifier implements VisionModel<'classify'> {
  readonly task = 'classify';

  private constructor(
    readonly architecture: NetworkArchitecture,
    readonly inputSpec: InputSpec,
    readonly labels: readonly string[],
    private shape: NetworkShape | null,
    private network: Sequential | null,
    private preprocessor: Preprocessor | null,
    private readonly start: (WarmStart & { preprocessor: Preprocessor }) | null = null,
  ) {}

  static create(spec: JobSpec, data: TrainingData): NetworkClassifier {
    const arch = spec.architecture as NetworkArchitecture;
    const { channels, height, width } = data.set;
    return new NetworkClassifier(
      arch,
      { channels, height, width, format: data.imageFormat },
      data.labels,
      null,
      null,
      null,
    );
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): NetworkClassifier {
    const { network: shape, ...arch } = manifest.architecture as NetworkArchitecture & {
      network: NetworkShape;
    };
    const preprocessor = Preprocessor.fromArtifact(
      manifest.preprocessing as unknown as PreprocessingJson,
      withPrefix(records, 'pre'),
    );
    const network = buildNetwork(arch as NetworkArchitecture, shape, new Rng(0));
    network.loadStateDict(withPrefix(records, 'net'));
    network.eval();
    return new NetworkClassifier(
      arch as NetworkArchitecture,
      manifest.inputSpec,
      manifest.labels,
      shape,
      network,
      preprocessor,
    );
  }

  /** A fresh model for `spec` that fine-tunes this one, reusing its preprocessing (transfer learning). */
  transfer(spec: JobSpec, data: TrainingData): NetworkClassifier {
    const { network, preprocessor, shape } = this.ready();
    const source = { architecture: this.architecture, inputSpec: this.inputSpec, labels: this.labels };
    const start = planWarmStart({ ...source, shape, network }, spec, data);
    return new NetworkClassifier(this.architecture, this.inputSpec, data.labels, null, null, null, {
      ...start,
      preprocessor,
    });
  }

  private ready(): { network: Sequential; preprocessor: Preprocessor; shape: NetworkShape } {
    if (!this.network || !this.preprocessor || !this.shape) throw new Error('the model has not been trained');
    return { network: this.network, preprocessor: this.preprocessor, shape: this.shape };
  }

  /**
   * Class scores (softmax probabilities; for an SVM the softmax of its margins); with `testTimeFlip` the
   * mean of the image's and its mirror image's, and the mean of their logits.
   */
  infer(batch: Tensor): Record<string, Tensor> {
    const { network, preprocessor } = this.ready();
    return noGrad(() => {
      network.eval();
      const logits = network.forward(preprocessor.transform(batch));
      if (!(this.architecture.type === 'cnn' && this.architecture.testTimeFlip)) {
        return { scores: softmax(logits, 1), logits };
      }
      const mirrored = network.forward(preprocessor.transform(mirror(batch)));
      return {
        scores: mul(add(softmax(logits, 1), softmax(mirrored, 1)), 0.5),
        logits: mul(add(logits, mirrored), 0.5),
      };
    });
  }

  predict(batch: Tensor): TaskOutputs['classify'][] {
    return scoreRows(this.infer(batch).scores!);
  }

  /** Preprocessing fitted on `data.train` and the network's shape for a model trained from scratch. */
  private freshStart(data: TrainingData, spec: JobSpec): { preprocessor: Preprocessor; shape: NetworkShape } {
    const trainImages = gatherBatch(data.set, data.train).inputs;
    const preprocessor = Preprocessor.fit(spec.preprocessing, trainImages);
    const activation = this.architecture.type === 'linear' ? 'relu' : this.architecture.activation;
    const shape: NetworkShape = {
      inputShape: preprocessor.outputShape(1, trainImages.shape.slice(1)).slice(1),
      classes: data.labels.length,
      ...dropoutShape(this.architecture.type === 'linear' ? { dropout: 0 } : spec.regularization),
      init: initScheme(spec.init, activation),
    };
    return { preprocessor, shape };
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const rng = new Rng(spec.seed);
    const { preprocessor, shape } = this.start ?? this.freshStart(data, spec);
    const network = buildNetwork(this.architecture, shape, rng);
    if (this.start) applyWarmStart(network, this.start);
    const frozenNorms = frozenNormLayers(network);
    const augment = augmentation(spec.augmentation);
    const train = new ImageDataset(data.set, { indices: data.train, augment, preprocess: preprocessor });
    const validation = new ImageDataset(data.set, { indices: data.validation, preprocess: preprocessor });
    const { l1, l2 } = spec.regularization;
    const arch = this.architecture;
    const classLoss = (out: Tensor, batch: Batch) =>
      arch.type === 'linear' && arch.loss === 'svm'
        ? svmLoss(out, batch.targets, { margin: arch.margin })
        : softmaxCrossEntropy(out, batch.targets);
    // Named terms: each is logged (loss_cls, loss_l2, ...) and their sum is minimised, in this order.
    const loss = (out: Tensor, batch: Batch) => ({
      cls: classLoss(out, batch),
      ...(l2 > 0 ? { l2: mul(l2Penalty(network), l2) } : {}),
      ...(l1 > 0 ? { l1: mul(l1Penalty(network), l1) } : {}),
    });
    const forward = (_model: unknown, batch: Batch) => {
      for (const layer of frozenNorms) layer.eval();
      return network.forward(batch.inputs);
    };
    const result = await trainNetwork(
      network,
      {
        train,
        validation,
        loss,
        metrics: (out, batch) => ({ accuracy: accuracyOf(out, batch.targets) }),
        ...(frozenNorms.length > 0 ? { forward } : {}),
        monitor: { metric: 'val_accuracy', mode: 'max' },
        logMetric: 'val_accuracy',
      },
      spec,
      hooks,
      rng,
    );
    network.eval();
    this.network = network;
    this.preprocessor = preprocessor;
    this.shape = shape;
    return fitMetrics(result, { valAccuracy: 'val_accuracy' });
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

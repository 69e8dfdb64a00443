import { type InputSpec, type JobSpec, knnSchema, type Metrics } from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { argmax, flatten, noGrad, Tensor } from '@ocellus/tensor';
import { gatherBatch, kFold } from '@ocellus/vision/datasets';
import { accuracy } from '@ocellus/vision/metrics';
import { type PreprocessingJson, Preprocessor } from '@ocellus/vision/preprocessing';
import { prefixed, withPrefix } from '../artifact.js';
import type { Artifact, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../types.js';
import { pairwiseDistances } from './knn-distances.js';
import { featureEntries, restoreFeatures, type StoredFeatures, storeFeatures } from './knn-storage.js';
import { nearest, vote } from './knn-votes.js';
import { scoreRows } from './score-rows.js';

type KnnArchitecture = Extract<JobSpec['architecture'], { type: 'knn' }>;

/** A published kNN's architecture: k is always chosen by then; `storage` is absent from older manifests. */
const storedArchitecture = knnSchema.required({ k: true });

interface KnnState extends StoredFeatures {
  k: number;
  targets: Int32Array;
  preprocessor: Preprocessor;
}

/** Accuracy of each k on one split, from one distance matrix and one partial sort per row. */
function accuraciesByK(
  distances: Tensor,
  trainLabels: Int32Array,
  targets: Int32Array,
  ks: readonly number[],
  classes: number,
): number[] {
  const [m, n] = distances.shape as [number, number];
  const kMax = Math.min(Math.max(...ks), n);
  const d = distances.values();
  const correct = ks.map(() => 0);
  const fractions = new Float64Array(classes);
  for (let i = 0; i < m; i++) {
    const neighbours = nearest(d, i * n, n, kMax);
    ks.forEach((k, j) => {
      if (vote(neighbours, trainLabels, Math.min(k, n), fractions) === targets[i]) correct[j]!++;
    });
  }
  return correct.map((c) => c / Math.max(m, 1));
}

/** k-nearest neighbours (CS231n assignment 1): stores the preprocessed training set, k by k-fold CV. */
export class KnnClassifier implements VisionModel<'classify'> {
  readonly task = 'classify';

  private constructor(
    readonly architecture: KnnArchitecture,
    readonly inputSpec: InputSpec,
    readonly labels: readonly string[],
    private state: KnnState | null,
  ) {}

  static create(spec: JobSpec, data: TrainingData): KnnClassifier {
    const { channels, height, width } = data.set;
    const arch = knnSchema.parse(spec.architecture);
    return new KnnClassifier(arch, { channels, height, width, format: data.imageFormat }, data.labels, null);
  }

  static fromArtifact(manifest: Manifest, tensors: Record<string, Tensor>): KnnClassifier {
    const arch = storedArchitecture.parse(manifest.architecture);
    const labels = tensors['train.labels'];
    if (!labels) throw new Error('knn artifact lacks train.labels');
    const preprocessor = Preprocessor.fromArtifact(
      manifest.preprocessing as unknown as PreprocessingJson,
      withPrefix(tensors, 'pre'),
    );
    const targets = Int32Array.from(labels.values());
    return new KnnClassifier(arch, manifest.inputSpec, manifest.labels, {
      k: arch.k,
      ...restoreFeatures(tensors, arch.storage),
      targets,
      preprocessor,
    });
  }

  private features(batch: Tensor, preprocessor: Preprocessor): Tensor {
    return noGrad(() => flatten(preprocessor.transform(batch)));
  }

  infer(batch: Tensor): Record<string, Tensor> {
    if (!this.state) throw new Error('the model has not been fitted');
    const { k, features, targets, preprocessor } = this.state;
    const distances = pairwiseDistances(
      this.features(batch, preprocessor),
      features,
      this.architecture.distance,
    );
    const [m, n] = distances.shape as [number, number];
    const classes = this.labels.length;
    const scores = new Float32Array(m * classes);
    const fractions = new Float64Array(classes);
    const d = distances.values();
    for (let i = 0; i < m; i++) {
      vote(nearest(d, i * n, n, Math.min(k, n)), targets, Math.min(k, n), fractions);
      scores.set(fractions, i * classes);
    }
    return { scores: new Tensor(scores, [m, classes]) };
  }

  /** Scores are the fractions of the k votes. */
  predict(batch: Tensor): TaskOutputs['classify'][] {
    return scoreRows(this.infer(batch).scores!);
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const train = gatherBatch(data.set, data.train);
    const preprocessor = Preprocessor.fit(spec.preprocessing, train.inputs);
    const features = this.features(train.inputs, preprocessor);
    const classes = this.labels.length;
    let k = this.architecture.k;
    const cv: Record<string, number> = {};
    if (k === undefined) {
      const ks = this.architecture.kChoices;
      const folds = kFold(train.targets, spec.search?.folds ?? 5, spec.seed);
      const sums = ks.map(() => 0);
      folds.forEach((fold, f) => {
        if (hooks.signal?.aborted) throw new Error('training aborted');
        const pick = (rows: Int32Array) =>
          new Tensor(selectRows(features, rows), [rows.length, features.shape[1]!]);
        const distances = pairwiseDistances(
          pick(fold.validation),
          pick(fold.train),
          this.architecture.distance,
        );
        const accs = accuraciesByK(
          distances,
          fold.train.map((p) => train.targets[p]!),
          fold.validation.map((p) => train.targets[p]!),
          ks,
          classes,
        );
        accs.forEach((a, j) => {
          sums[j]! += a;
          hooks.onLog?.(`k = ${ks[j]} fold ${f + 1}/${folds.length}: accuracy ${a.toFixed(4)}`);
        });
        hooks.onProgress?.({
          epoch: f + 1,
          epochs: folds.length,
          step: 1,
          steps: 1,
          percent: (100 * (f + 1)) / folds.length,
          metrics: {},
        });
      });
      ks.forEach((kk, j) => {
        cv[`cv_accuracy_k${kk}`] = sums[j]! / folds.length;
      });
      k = ks[sums.indexOf(Math.max(...sums))]!;
      hooks.onLog?.(`chose k = ${k} by ${folds.length}-fold cross-validation`);
    }
    const stored = storeFeatures(features, this.architecture.storage);
    this.state = { k, ...stored, targets: train.targets, preprocessor };
    const validation = gatherBatch(data.set, data.validation);
    const predicted = Int32Array.from(argmax(this.infer(validation.inputs).scores!, 1).values());
    return { k, valAccuracy: accuracy(validation.targets, predicted), ...cv };
  }

  toArtifact(): Artifact {
    if (!this.state) throw new Error('the model has not been fitted');
    const { k, targets, preprocessor } = this.state;
    const stored = featureEntries(this.state);
    return {
      architecture: { ...this.architecture, k },
      inputSpec: this.inputSpec,
      labels: [...this.labels],
      preprocessing: { ...preprocessor.toJSON() },
      tensors: {
        ...stored.tensors,
        'train.labels': new Tensor(Float32Array.from(targets), [targets.length]),
        ...prefixed(preprocessor.tensors(), 'pre'),
      },
      records: stored.records,
    };
  }
}

function selectRows(x: Tensor, rows: Int32Array): Float32Array {
  const d = x.shape[1]!;
  const v = x.values();
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    out.set(v.subarray(r * d, (r + 1) * d), i * d);
  });
  return out;
}

import type {
  Box,
  ImageFormat,
  InputSpec,
  JobProgress,
  JobSpec,
  Manifest,
  Metrics,
  Rle,
  Task,
} from '@ocellus/contracts';
import type { TensorRecord } from '@ocellus/registry';
import type { Tensor } from '@ocellus/tensor';
import type { ImageSet } from '@ocellus/vision/datasets';

/** An object found in a model input: its class, its score, its box in model-input pixels. */
export interface Detection {
  index: number;
  score: number;
  box: Box;
}

/** A mask over a detection's box (e.g. 28x28 probabilities, row-major), pasted into the image by the serializer. */
export interface RoiMask {
  height: number;
  width: number;
  data: Float32Array;
}

/** Per generated token, attention weights over a `grid[0] x grid[1]` map of the model input. */
export interface AttentionGrid {
  grid: [height: number, width: number];
  weights: Float32Array[];
}

/** What a model computes for one image, raw and in model-input pixels; the request's options apply later. */
export interface TaskOutputs {
  classify: { scores: Float32Array };
  localize: { box: Box; scores: Float32Array };
  /** After the model's own NMS at its own (low) score threshold, any order. */
  detect: { detections: Detection[] };
  segment: { detections: (Detection & { mask: RoiMask })[] };
  /** Token indices into the model's labels (its vocabulary). */
  caption: { tokens: Int32Array; logProb: number; attention?: AttentionGrid };
}
export type TaskOutput<T extends Task = Task> = TaskOutputs[T];

/** Options that change what a model computes; everything else is applied to its outputs afterwards. */
export interface ComputeOptionsOf {
  classify: Record<string, never>;
  localize: Record<string, never>;
  detect: Record<string, never>;
  segment: Record<string, never>;
  caption: { beam?: number; attention?: boolean };
}
export type ComputeOptions<T extends Task = Task> = ComputeOptionsOf[T];

export interface FitHooks {
  onProgress?: (progress: JobProgress) => void;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  /** Bytes of the last epoch checkpoint of this same job, to continue instead of starting over. */
  resumeFrom?: Uint8Array;
  /** Receives a checkpoint at the end of every epoch (awaited before training goes on). */
  onCheckpoint?: (bytes: Uint8Array, epoch: number) => void | Promise<void>;
}

/** What one image of a task's dataset is annotated with, in model-input pixels (label indices into `labels`). */
export interface TaskTargets {
  classify: number;
  localize: { index: number; box: Box };
  detect: { objects: { index: number; box: Box }[] };
  segment: { objects: { index: number; box: Box; mask: Rle }[] };
  /**
   * `tokens` trains; `references`, when the image has several captions, are all of them (`tokens` first);
   * `regions`, when the dataset knows them, the box of each word of `tokens`.
   */
  caption: { tokens: Int32Array; references?: Int32Array[]; regions?: Box[] };
}

/** Training data of a task: images, their split, and each image's targets. */
export interface TrainingData<T extends Task = Task> {
  readonly task: T;
  readonly set: ImageSet;
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly labels: readonly string[];
  /** The targets of the images at `indices` of `set`, in that order. */
  targets(indices: Int32Array): TaskTargets[T][];
  /** How uploads are brought to the model's input. */
  readonly imageFormat: ImageFormat;
}

/** What a trained model writes to the registry besides its manifest bookkeeping. */
export interface Artifact {
  architecture: { type: string } & Record<string, unknown>;
  inputSpec: InputSpec;
  labels: string[];
  preprocessing: Record<string, unknown>;
  tensors: Record<string, Tensor>;
  /** Weights kept in their own dtype (e.g. a kNN's U8 codes) beside `tensors`, which are written as F32/F64. */
  records?: Record<string, TensorRecord>;
  extra?: Record<string, unknown>;
}

/** DESIGN.md's one interface: the trainer, the API and the CLI never branch on the family. */
export interface VisionModel<T extends Task = Task> {
  readonly task: T;
  readonly inputSpec: InputSpec;
  readonly labels: readonly string[];
  /** `batch` is [N, C, H, W] in [0, 1] as `toModelInput` makes it; preprocessing is the model's own. */
  predict(batch: Tensor, options?: ComputeOptions<T>): TaskOutputs[T][];
  /** Raw outputs by name for the Open Inference Protocol (e.g. `scores` [N, classes]). */
  infer(batch: Tensor): Record<string, Tensor>;
  /** Fits preprocessing on `data.train` only, then trains; returns the validation metrics. */
  fit(data: TrainingData<T>, spec: JobSpec, hooks: FitHooks): Promise<Metrics>;
  toArtifact(): Artifact;
  /**
   * A fresh model for `spec` that starts from this trained one (`spec.transferFrom`): its
   * preprocessing and backbone are kept, `fit` fine-tunes. Absent where the family cannot transfer.
   * The new model may be of another family (a Faster R-CNN starts a Mask R-CNN).
   */
  transfer?(spec: JobSpec, data: TrainingData): VisionModel;
}

/** One model family: builds a fresh model for a job, or restores a published one. */
export interface ModelFamily {
  readonly type: string;
  readonly task: Task;
  create(spec: JobSpec, data: TrainingData): VisionModel;
  fromArtifact(manifest: Manifest, tensors: Record<string, Tensor>): VisionModel;
}

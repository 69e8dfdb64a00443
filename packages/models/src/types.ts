import type { JobProgress, JobSpec, Metrics, Task, TaskResult } from '@ocellus/contracts';
import type { InputSpec, Manifest } from '@ocellus/registry';
import type { Tensor } from '@ocellus/tensor';
import type { ImageSet } from '@ocellus/vision/mnist';

/** A task's result for one image, before the service adds the upload's size (boxes in input pixels). */
export type TaskOutput<T extends Task> = Omit<TaskResult<T>, 'image'>;

export interface PredictOptions {
  topk?: number;
  scoreThreshold?: number;
  maxDetections?: number;
  maskThreshold?: number;
  beam?: number;
  attention?: boolean;
}

export interface FitHooks {
  onProgress?: (progress: JobProgress) => void;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  /** Bytes of the last epoch checkpoint of this same job, to continue instead of starting over. */
  resumeFrom?: Uint8Array;
  /** Receives a checkpoint at the end of every epoch (awaited before training goes on). */
  onCheckpoint?: (bytes: Uint8Array, epoch: number) => void | Promise<void>;
}

/** Training data of a task: classification uses images with integer labels. */
export interface TrainingData<T extends Task = Task> {
  readonly task: T;
  readonly set: ImageSet;
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly labels: readonly string[];
  /** How uploads are brought to the model's input (`mnist-digit`: centred white ink on black). */
  readonly imageFormat: string;
}

/** What a trained model writes to the registry besides its manifest bookkeeping. */
export interface Artifact {
  architecture: { type: string } & Record<string, unknown>;
  inputSpec: InputSpec;
  labels: string[];
  preprocessing: Record<string, unknown>;
  tensors: Record<string, Tensor>;
  extra?: Record<string, unknown>;
}

/** DESIGN.md's one interface: the trainer and the API never branch on the family. */
export interface VisionModel<T extends Task = Task> {
  readonly task: T;
  readonly inputSpec: InputSpec;
  readonly labels: readonly string[];
  /** `batch` is [N, C, H, W] in [0, 1] as the image loader produces; preprocessing is the model's own. */
  predict(batch: Tensor, options?: PredictOptions): TaskOutput<T>[];
  /** Raw outputs by name for the Open Inference Protocol (e.g. `scores` [N, classes]). */
  infer(batch: Tensor): Record<string, Tensor>;
  /** Fits preprocessing on `data.train` only, then trains; returns the validation metrics. */
  fit(data: TrainingData<T>, spec: JobSpec, hooks: FitHooks): Promise<Metrics>;
  toArtifact(): Artifact;
  /**
   * A fresh model for `spec` that starts from this trained one (`spec.transferFrom`): its
   * preprocessing and backbone are kept, `fit` fine-tunes. Absent where the family cannot transfer.
   */
  transfer?(spec: JobSpec, data: TrainingData<T>): VisionModel<T>;
}

/** One model family: builds a fresh model for a job, or restores a published one. */
export interface ModelFamily {
  readonly type: string;
  readonly task: Task;
  create(spec: JobSpec, data: TrainingData): VisionModel;
  fromArtifact(manifest: Manifest, tensors: Record<string, Tensor>): VisionModel;
}

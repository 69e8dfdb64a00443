import type { Box, InputSpec, OipTensorMetadata, Task } from '@ocellus/contracts';
import type { Manifest, TensorRecord } from '@ocellus/registry';

/**
 * What the service needs from a model, whatever its family. Inputs are `n` images, each
 * `channels x height x width` floats in [0, 1] (CHW), concatenated; the model applies its own
 * preprocessing. Boxes and masks are in pixels of that input; the service maps them to the upload.
 */
export interface ClassifyOutput {
  /** One probability per label, in label order. */
  probabilities: Float32Array;
}

export interface LocalizeOutput {
  index: number;
  score: number;
  box: Box;
}

export interface DetectionOutput {
  index: number;
  score: number;
  box: Box;
}

export interface DetectOutput {
  /** After NMS, at the model's own (low) score threshold; the service applies the request's. */
  detections: DetectionOutput[];
}

/** A mask over the whole model input frame: probabilities or 0/1, row-major `height x width`. */
export interface MaskOutput {
  height: number;
  width: number;
  data: Float32Array | Uint8Array;
}

export interface SegmentOutput {
  detections: (DetectionOutput & { mask: MaskOutput })[];
}

export interface CaptionOutput {
  tokens: string[];
  /** Mean log-probability of the tokens. */
  score: number;
  /** Per token, the attention weights over the image regions (attention models only). */
  attention?: number[][];
}

export interface TaskOutputs {
  classify: ClassifyOutput;
  localize: LocalizeOutput;
  detect: DetectOutput;
  segment: SegmentOutput;
  caption: CaptionOutput;
}
export type TaskOutput = TaskOutputs[Task];

/** Options that change what the model computes (the rest are applied by the service to its outputs). */
export interface PredictOptions {
  beam?: number;
  attention?: boolean;
}

export interface OipTensor {
  shape: number[];
  data: Float32Array;
}

export interface ServedModel {
  readonly task: Task;
  readonly inputSpec: InputSpec;
  readonly labels: readonly string[];
  /** Uploads get the MNIST recipe (polarity, crop, 20 px box, centre of mass) before `predict`. */
  readonly digitInput: boolean;
  predict(batch: Float32Array, n: number, options: PredictOptions): TaskOutput[] | Promise<TaskOutput[]>;
  /** Output tensors of the Open Inference Protocol, named by the model; absent when it has none. */
  readonly outputs?: readonly OipTensorMetadata[];
  infer?(batch: Float32Array, n: number): Record<string, OipTensor> | Promise<Record<string, OipTensor>>;
  dispose?(): void;
}

/** Builds a served model from a published version; the table of families lives behind it (@ocellus/models). */
export type ModelFactory = (
  manifest: Manifest,
  tensors: Record<string, TensorRecord>,
) => ServedModel | Promise<ServedModel>;

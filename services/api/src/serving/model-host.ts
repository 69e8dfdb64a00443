import type { InputSpec, OipTensorMetadata, Task } from '@ocellus/contracts';
import type { ComputeOptions, TaskOutput } from '@ocellus/models';
import type { Manifest, TensorRecord } from '@ocellus/registry';

/** One named output tensor of the Open Inference Protocol, row-major. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * A published version, loaded and warmed where forward passes run (a worker thread, or this thread in
 * tests): the service talks to the model only through it. Inputs are `n` images, each
 * `channels x height x width` floats in [0, 1] (CHW), concatenated, as `toModelInput` makes them.
 */
export interface HostedModel {
  readonly task: Task;
  readonly inputSpec: InputSpec;
  readonly labels: readonly string[];
  /** The named tensors `infer` returns, batch dimension -1. */
  readonly outputs: readonly OipTensorMetadata[];
  predict(batch: Float32Array, n: number, options: ComputeOptions): Promise<TaskOutput[]>;
  infer(batch: Float32Array, n: number): Promise<Record<string, NamedTensor>>;
  dispose(): void;
}

/** Where models run. `load` builds and warms a version from its manifest and verified weights. */
export interface ModelHost {
  load(manifest: Manifest, tensors: Record<string, TensorRecord>): Promise<HostedModel>;
  close(): Promise<void>;
}

/** A forward pass ran out of memory (WebAssembly or array buffers): the service answers 503 and goes on. */
export class ResourceExhaustedError extends Error {
  override readonly name = 'ResourceExhaustedError';
}

import type { OipTensorMetadata } from '@ocellus/contracts';
import { type ComputeOptions, modelFromArtifact, type TaskOutput, type VisionModel } from '@ocellus/models';
import type { Manifest, TensorRecord } from '@ocellus/registry';
import { Tensor } from '@ocellus/tensor';
import type { NamedTensor } from './model-host.js';

/** Builds a served model from a published version; tests pass their own families. */
export type ModelFactory = (
  manifest: Manifest,
  tensors: Record<string, TensorRecord>,
) => VisionModel | Promise<VisionModel>;

/** The families of @ocellus/models, looked up by `architecture.type`; the service never names one. */
export const familyFactory: ModelFactory = (manifest, tensors) => modelFromArtifact(manifest, tensors);

const batchTensor = (model: VisionModel, batch: Float32Array, n: number) => {
  const { channels, height, width } = model.inputSpec;
  return new Tensor(batch, [n, channels, height, width]);
};

export function predictBatch(
  model: VisionModel,
  batch: Float32Array,
  n: number,
  options: ComputeOptions,
): TaskOutput[] {
  const outputs = model.predict(batchTensor(model, batch, n), options as never);
  if (outputs.length !== n) throw new Error(`a batch of ${n} gave ${outputs.length} outputs`);
  return outputs;
}

export function inferBatch(model: VisionModel, batch: Float32Array, n: number): Record<string, NamedTensor> {
  const out: Record<string, NamedTensor> = Object.create(null);
  for (const [name, t] of Object.entries(model.infer(batchTensor(model, batch, n)))) {
    out[name] = { shape: [...t.shape], data: Float32Array.from(t.values()) };
  }
  return out;
}

/** What a loaded model tells the service: built, and warmed by one forward pass of each kind on a blank image. */
export interface ModelDescription {
  task: VisionModel['task'];
  inputSpec: VisionModel['inputSpec'];
  labels: readonly string[];
  outputs: OipTensorMetadata[];
}

export function warmUp(model: VisionModel): ModelDescription {
  const { channels, height, width } = model.inputSpec;
  const blank = () => new Float32Array(channels * height * width);
  predictBatch(model, blank(), 1, {});
  const tensors = inferBatch(model, blank(), 1);
  return {
    task: model.task,
    inputSpec: model.inputSpec,
    labels: model.labels,
    outputs: Object.entries(tensors).map(([name, t]) => ({
      name,
      datatype: 'FP32' as const,
      shape: [-1, ...t.shape.slice(1)],
    })),
  };
}

/** Out-of-memory errors of V8 and WebAssembly, recognised by their class and message. */
export function isOutOfMemory(error: unknown): boolean {
  return error instanceof RangeError && /memory|allocation|array buffer/i.test(error.message);
}

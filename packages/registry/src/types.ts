import type { inputSpecSchema, Manifest, Task } from '@ocellus/contracts';
import type { z } from 'zod';
export type TensorDType = 'F32' | 'F64' | 'I32' | 'U8';
export type TensorData = Float32Array | Float64Array | Int32Array | Uint8Array;

/** One named tensor as stored in a safetensors file (row-major, little-endian). */
export interface TensorRecord {
  dtype: TensorDType;
  shape: number[];
  data: TensorData;
}

export type { InputSpec, Manifest } from '@ocellus/contracts';

export type PublishInput = Pick<
  Manifest,
  'task' | 'architecture' | 'preprocessing' | 'labels' | 'metrics'
> & {
  /** `format` defaults to `photo`. */
  inputSpec: z.input<typeof inputSpecSchema>;
  tensors: Record<string, TensorRecord>;
  trainingJobId?: string | null;
  extra?: Record<string, unknown>;
};

export interface ModelSummary {
  name: string;
  task: Task;
  architecture: { type: string } & Record<string, unknown>;
  versions: number[];
  aliases: Record<string, number>;
}

export interface VersionSelector {
  version?: number;
  alias?: string;
}

export type RegistryEvent =
  | { kind: 'published'; name: string; version: number }
  | { kind: 'deleted'; name: string; version: number }
  | { kind: 'alias'; name: string; alias: string; version: number };

export interface Registry {
  readonly root: string;
  listModels(): Promise<ModelSummary[]>;
  describe(name: string): Promise<ModelSummary & { manifests: Manifest[] }>;
  manifest(name: string, version: number): Promise<Manifest>;
  /** Reads the weights and verifies their sha256 against the manifest before returning them. */
  load(name: string, version: number): Promise<{ manifest: Manifest; tensors: Record<string, TensorRecord> }>;
  weightsPath(name: string, version: number): string;
  /** Atomic; with the same `trainingJobId` twice it returns the first version instead of writing another. */
  publish(name: string, input: PublishInput): Promise<Manifest>;
  resolve(name: string, selector: VersionSelector): Promise<number>;
  aliases(name: string): Promise<Record<string, number>>;
  setAlias(name: string, alias: string, version: number): Promise<void>;
  /** Refused with CONFLICT while an alias points at the version. */
  deleteVersion(name: string, version: number): Promise<void>;
  /** Calls the listener for changes made by any process (file-system watch); returns an unsubscribe. */
  watch(listener: (event: RegistryEvent) => void): () => void;
}

export type RegistryErrorCode = 'NOT_FOUND' | 'INVALID_NAME' | 'CHECKSUM_MISMATCH' | 'CONFLICT' | 'CORRUPT';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

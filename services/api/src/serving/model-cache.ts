import type { ComputeOptions, TaskOutput } from '@ocellus/models';
import { type Manifest, type Registry, RegistryError } from '@ocellus/registry';
import { withoutPaths } from '../errors.js';
import { type BatcherOptions, DynamicBatcher } from './batcher.js';
import type { HostedModel, ModelHost, NamedTensor } from './model-host.js';

/** The batcher key of Open Inference Protocol calls; every other key is the JSON of the compute options. */
export const TENSOR_KEY = 'tensors';

/** One image's share of a batch's named output tensors (the batch dimension dropped). */
export type TensorSlices = Record<string, NamedTensor>;

export interface LoadedModel {
  readonly name: string;
  readonly version: number;
  readonly manifest: Manifest;
  readonly model: HostedModel;
  /** Batches keyed by the JSON of the compute options, or `TENSOR_KEY` for raw tensors. */
  readonly batcher: DynamicBatcher<Float32Array, TaskOutput | TensorSlices>;
  lastUsed: number;
}

/** A version exists but cannot be served (bad weights, no family for it, failed warm-up). */
export class ModelLoadError extends Error {
  constructor(
    readonly model: string,
    readonly version: number,
    readonly reason: string,
  ) {
    super(`model ${model} version ${version} cannot be loaded: ${reason}`);
    this.name = 'ModelLoadError';
  }
}

export interface ModelCacheOptions {
  registry: Registry;
  host: ModelHost;
  batching: BatcherOptions;
  /** Most versions kept loaded; aliased versions are never evicted to make room. */
  capacity: number;
  onBatch?: (model: string, version: number, size: number) => void;
}

const keyOf = (name: string, version: number) => `${name}@${version}`;

/** How long a failed load is answered from memory: versions never change, so retrying at once only costs a reload. */
export const LOAD_FAILURE_TTL_MS = 10_000;

function concat(items: Float32Array[]): Float32Array {
  const size = items[0]?.length ?? 0;
  const batch = new Float32Array(size * items.length);
  items.forEach((item, i) => {
    batch.set(item, i * size);
  });
  return batch;
}

/** Splits a batch's named tensors into one record per image. */
function perImage(tensors: Record<string, NamedTensor>, n: number): TensorSlices[] {
  return Array.from({ length: n }, (_, i) => {
    const slices: TensorSlices = Object.create(null);
    for (const [name, { shape, data }] of Object.entries(tensors)) {
      const size = data.length / n;
      slices[name] = { shape: shape.slice(1), data: data.slice(i * size, (i + 1) * size) };
    }
    return slices;
  });
}

/** Loaded, warmed versions with their batchers; concurrent loads of one version share one promise. */
export class ModelCache {
  private readonly loaded = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<LoadedModel>>();
  private readonly failures = new Map<string, { error: unknown; at: number }>();
  private pinned = new Set<string>();

  constructor(private readonly options: ModelCacheOptions) {}

  get(name: string, version: number): Promise<LoadedModel> {
    const key = keyOf(name, version);
    const hit = this.loaded.get(key);
    if (hit !== undefined) {
      hit.lastUsed = performance.now();
      return Promise.resolve(hit);
    }
    const failure = this.failures.get(key);
    if (failure !== undefined && performance.now() - failure.at < LOAD_FAILURE_TTL_MS) {
      return Promise.reject(failure.error);
    }
    let pending = this.loading.get(key);
    if (pending === undefined) {
      pending = this.load(name, version).then(
        (entry) => {
          this.loading.delete(key);
          this.failures.delete(key);
          this.loaded.set(key, entry);
          this.trim();
          return entry;
        },
        (error: unknown) => {
          this.loading.delete(key);
          if (error instanceof ModelLoadError) this.failures.set(key, { error, at: performance.now() });
          throw error;
        },
      );
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Drops a remembered load failure, so the next `get` tries again at once. */
  forget(name: string, version: number): void {
    this.failures.delete(keyOf(name, version));
  }

  peek(name: string, version: number): LoadedModel | undefined {
    return this.loaded.get(keyOf(name, version));
  }

  entries(): LoadedModel[] {
    return [...this.loaded.values()];
  }

  /** Versions some alias points at: kept loaded whatever the capacity. */
  setPinned(versions: Iterable<{ name: string; version: number }>): void {
    this.pinned = new Set([...versions].map(({ name, version }) => keyOf(name, version)));
  }

  evict(name: string, version: number): boolean {
    const key = keyOf(name, version);
    const entry = this.loaded.get(key);
    if (entry === undefined) return false;
    this.loaded.delete(key);
    void entry.batcher.whenIdle().then(() => entry.model.dispose());
    return true;
  }

  /** Evicts the loaded versions of `name` outside `keep`. */
  retain(name: string, keep: ReadonlySet<number>): number[] {
    const evicted = this.entries()
      .filter((entry) => entry.name === name && !keep.has(entry.version))
      .map((entry) => entry.version);
    for (const version of evicted) this.evict(name, version);
    return evicted;
  }

  private trim(): void {
    const spare = this.entries()
      .filter((entry) => !this.pinned.has(keyOf(entry.name, entry.version)))
      .sort((a, b) => a.lastUsed - b.lastUsed);
    for (const entry of spare) {
      if (this.loaded.size <= this.options.capacity) return;
      this.evict(entry.name, entry.version);
    }
  }

  private async load(name: string, version: number): Promise<LoadedModel> {
    const { registry, host, batching, onBatch } = this.options;
    // The reason reaches replies (503, the alias route's 409): the registry's paths stay on the server.
    const fail = (reason: string) => new ModelLoadError(name, version, withoutPaths(reason));
    let artifact: Awaited<ReturnType<Registry['load']>>;
    try {
      artifact = await registry.load(name, version);
    } catch (error) {
      if (error instanceof RegistryError && (error.code === 'NOT_FOUND' || error.code === 'INVALID_NAME'))
        throw error;
      throw fail((error as Error).message);
    }
    const { manifest, tensors } = artifact;
    let model: HostedModel;
    try {
      model = await host.load(manifest, tensors);
    } catch (error) {
      throw fail((error as Error).message);
    }
    if (model.task !== manifest.task) {
      model.dispose();
      throw fail(`the model solves '${model.task}', its manifest says '${manifest.task}'`);
    }
    const batcher = new DynamicBatcher<Float32Array, TaskOutput | TensorSlices>(
      batching,
      async (key, items) => {
        if (key === TENSOR_KEY) return perImage(await model.infer(concat(items), items.length), items.length);
        return model.predict(concat(items), items.length, JSON.parse(key) as ComputeOptions);
      },
      (size) => onBatch?.(name, version, size),
    );
    return { name, version, manifest, model, batcher, lastUsed: performance.now() };
  }
}

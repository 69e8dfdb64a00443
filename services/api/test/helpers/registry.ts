import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task } from '@ocellus/contracts';
import { type FsRegistry, type Manifest, openRegistry, type PublishInput } from '@ocellus/registry';

export async function tempRegistry(): Promise<{
  registry: FsRegistry;
  root: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'ocellus-api-'));
  const root = join(dir, 'models');
  return {
    registry: openRegistry(root, { pollIntervalMs: 100 }),
    root,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** 1x8x8 patterns: all dark, all light, left half light. */
export const PATTERNS = {
  dark: new Float32Array(64),
  light: new Float32Array(64).fill(1),
  left: Float32Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0)),
};

export interface PublishOptions {
  type?: string;
  task?: Task;
  labels?: string[];
  inputSpec?: PublishInput['inputSpec'];
  centroids?: Float32Array[];
  preprocessing?: Record<string, unknown>;
  architecture?: Record<string, unknown>;
  alias?: string | null;
}

/** Publishes a version of a test family; by default the 3-pattern centroid classifier, aliased `production`. */
export async function publishTest(
  registry: FsRegistry,
  name: string,
  options: PublishOptions = {},
): Promise<Manifest> {
  const centroids = options.centroids ?? [PATTERNS.dark, PATTERNS.light, PATTERNS.left];
  const inputSpec = options.inputSpec ?? { channels: 1, height: 8, width: 8 };
  const size = centroids[0]?.length ?? 0;
  const data = new Float32Array(centroids.length * size);
  centroids.forEach((c, k) => {
    data.set(c, k * size);
  });
  const manifest = await registry.publish(name, {
    task: options.task ?? 'classify',
    architecture: { type: options.type ?? 'test-centroids', ...options.architecture },
    inputSpec,
    preprocessing: options.preprocessing ?? {},
    labels: options.labels ?? ['dark', 'light', 'left'],
    metrics: { accuracy: 1 },
    tensors: { centroids: { dtype: 'F32', shape: [centroids.length, size], data } },
  });
  if (options.alias !== null) await registry.setAlias(name, options.alias ?? 'production', manifest.version);
  return manifest;
}

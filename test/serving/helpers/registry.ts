import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { runTrainingJob } from '@ocellus/models';
import { type FsRegistry, type Manifest, openRegistry } from '@ocellus/registry';

export interface TempRegistry {
  root: string;
  registry: FsRegistry;
  cleanup(): Promise<void>;
}

export async function tempRegistry(): Promise<TempRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'ocellus-e2e-'));
  const root = join(dir, 'models');
  return { root, registry: openRegistry(root), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface TinyDigitsOptions {
  model?: string;
  seed?: number;
  promote?: string;
}

/** The job spec of a small digits MLP that trains in a few seconds (about 90% on the test split). */
export function tinyDigitsSpec({ model = 'digits-cnn', seed = 2, promote }: TinyDigitsOptions = {}) {
  return defaultJobSpecSchema.parse({
    task: 'classify',
    model,
    architecture: { type: 'mlp', hidden: [64] },
    dataset: { name: 'mnist', train: 2000, validation: 200, seed },
    optimizer: { type: 'sgd', lr: 0.1 },
    schedule: { epochs: 3, batchSize: 50 },
    seed,
    ...(promote === undefined ? {} : { promote }),
  });
}

/** Trains and publishes one tiny digits version through the real training pipeline. */
export async function trainTinyDigits(
  registry: FsRegistry,
  options: TinyDigitsOptions = {},
): Promise<Manifest> {
  const { manifest } = await runTrainingJob(tinyDigitsSpec(options), { registry, jobId: null });
  return manifest;
}

import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REGISTRY_ROOT } from '@ocellus/api';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { runTrainingJob } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';

export const MODEL = 'digits-cnn';

async function shippedProduction() {
  try {
    const aliases = JSON.parse(await readFile(join(DEFAULT_REGISTRY_ROOT, MODEL, 'aliases.json'), 'utf8'));
    return typeof aliases.production === 'number' ? aliases.production : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A temp registry holding `digits-cnn`: the shipped one copied from `models/` when it has a production
 * version, else the default CNN architecture trained briefly (1 epoch, 2000 digits; about 10-20 s).
 */
export async function prepareRegistry(log) {
  const root = join(await mkdtemp(join(tmpdir(), 'ocellus-bench-serve-')), 'models');
  const registry = openRegistry(root);
  const shipped = await shippedProduction();
  if (shipped !== undefined) {
    await cp(join(DEFAULT_REGISTRY_ROOT, MODEL), join(root, MODEL), { recursive: true });
    log(`serving the shipped ${MODEL} version ${shipped} from ${DEFAULT_REGISTRY_ROOT}`);
  } else {
    log(`no shipped ${MODEL} in ${DEFAULT_REGISTRY_ROOT}: training a default-architecture CNN briefly`);
    const spec = defaultJobSpecSchema.parse({
      task: 'classify',
      model: MODEL,
      architecture: { type: 'cnn' },
      dataset: { name: 'mnist', train: 2000, validation: 200, seed: 1 },
      optimizer: { type: 'adam', lr: 0.002 },
      schedule: { epochs: 1, batchSize: 64 },
      promote: 'production',
      seed: 1,
    });
    const { metrics } = await runTrainingJob(spec, { registry, jobId: 'bench-serve' });
    log(
      `trained in ${metrics.trainSeconds?.toFixed(1)} s, test accuracy ${(100 * metrics.testAccuracy).toFixed(1)}%`,
    );
  }
  const manifest = await registry.manifest(MODEL, await registry.resolve(MODEL, { alias: 'production' }));
  return { root, manifest };
}

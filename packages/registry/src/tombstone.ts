import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readAliases } from './aliases.js';
import { errorCode, syncDir } from './durable.js';
import { withModelLock } from './lock.js';
import { MANIFEST_FILE, WEIGHTS_FILE } from './manifest.js';
import { RegistryError } from './types.js';

/** What the manifest of a deleted version is renamed to; the folder stays so its number is never reused. */
export const TOMBSTONE_FILE = '.deleted';

/**
 * Deletes a version no alias points at (CONFLICT otherwise), under the model lock so no alias can move
 * onto it meanwhile. One atomic rename of the manifest hides it; the weights are freed afterwards.
 */
export async function deleteUnaliased(modelDir: string, name: string, version: number): Promise<void> {
  await withModelLock(modelDir, name, async () => {
    const pointing = Object.entries(await readAliases(modelDir, name)).filter(([, v]) => v === version);
    if (pointing.length > 0) {
      const aliases = pointing.map(([alias]) => alias).join(', ');
      throw new RegistryError('CONFLICT', `${name} v${version} is still the target of alias ${aliases}`);
    }
    const dir = join(modelDir, String(version));
    try {
      await rename(join(dir, MANIFEST_FILE), join(dir, TOMBSTONE_FILE));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      throw new RegistryError('NOT_FOUND', `model ${name} has no version ${version}`);
    }
    await syncDir(dir);
    await rm(join(dir, WEIGHTS_FILE), { force: true });
  });
}

import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from './durable.js';
import { MANIFEST_FILE, WEIGHTS_FILE } from './manifest.js';

/** What the manifest of a deleted version is renamed to; the folder stays so its number is never reused. */
export const TOMBSTONE_FILE = '.deleted';

/** Hides a version in one atomic rename of its manifest, then frees the weights. */
export async function tombstone(versionDir: string): Promise<void> {
  await rename(join(versionDir, MANIFEST_FILE), join(versionDir, TOMBSTONE_FILE));
  await syncDir(versionDir);
  await rm(join(versionDir, WEIGHTS_FILE), { force: true });
}

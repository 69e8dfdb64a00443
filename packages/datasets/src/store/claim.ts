import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetManifest } from '@ocellus/contracts';
import { errorCode, syncDir, writeDurable } from '@ocellus/registry/durable';
import { claimedVersions, datasetDir, MANIFEST_FILE } from './layout.js';

// rename(2) onto a non-empty folder fails with one of these: the number is taken, try the next.
const TAKEN = ['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR'];

/**
 * Claims the next free version for the durable data files in `temp`: writes the manifest (the commit mark)
 * last, fsyncs, and renames the folder to its number, moving up one when another import took it first.
 */
export async function claimVersion(
  root: string,
  temp: string,
  manifest: Omit<DatasetManifest, 'version'>,
): Promise<DatasetManifest> {
  const dir = datasetDir(root, manifest.name);
  if ((await mkdir(dir, { recursive: true })) !== undefined) await syncDir(root);
  let version = Math.max(0, ...(await claimedVersions(dir))) + 1;
  for (;;) {
    const stamped: DatasetManifest = { ...manifest, version };
    const path = join(temp, MANIFEST_FILE);
    await rm(path, { force: true });
    await writeDurable(path, `${JSON.stringify(stamped, null, 2)}\n`);
    await syncDir(temp);
    try {
      await rename(temp, join(dir, String(version)));
    } catch (error) {
      if (!TAKEN.includes(errorCode(error) ?? '')) throw error;
      version = Math.max(version, ...(await claimedVersions(dir))) + 1;
      continue;
    }
    await syncDir(dir);
    return stamped;
  }
}

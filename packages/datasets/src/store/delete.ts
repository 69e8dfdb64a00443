import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, syncDir } from '@ocellus/registry/durable';
import { withFolderLock } from '@ocellus/registry/lock';
import { DatasetError } from '../errors.js';
import { ANNOTATIONS_FILE, CAPTIONS_FILE, IMAGES_FILE, INDEX_FILE } from '../import/dataset-writer.js';
import { datasetDir, MANIFEST_FILE, readDatasetManifest, TOMBSTONE_FILE } from './layout.js';

/** Says who uses a dataset version (e.g. `job abc`, `model fashion-cnn v2`), or null when nothing does. */
export type InUseCheck = (dataset: { name: string; version: number }) => Promise<string | null>;

/**
 * Deletes a version nothing uses (IN_USE otherwise), under the dataset's lock. One rename of the manifest
 * hides it; the folder stays, so its number is never handed out again; the data files are freed afterwards.
 */
export async function deleteDatasetVersion(
  root: string,
  name: string,
  version: number,
  inUse: InUseCheck,
): Promise<void> {
  await readDatasetManifest(root, name, version);
  const dir = join(datasetDir(root, name), String(version));
  await withFolderLock(datasetDir(root, name), `dataset ${name}`, async () => {
    const user = await inUse({ name, version });
    if (user !== null) throw new DatasetError('IN_USE', `dataset ${name} v${version} is in use by ${user}`);
    try {
      await rename(join(dir, MANIFEST_FILE), join(dir, TOMBSTONE_FILE));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      throw new DatasetError('NOT_FOUND', `dataset ${name} has no version ${version}`);
    }
    await syncDir(dir);
    for (const file of [IMAGES_FILE, INDEX_FILE, ANNOTATIONS_FILE, CAPTIONS_FILE])
      await rm(join(dir, file), { force: true });
  });
}

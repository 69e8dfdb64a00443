import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, TEMP_PREFIX } from './durable.js';
import { exists } from './layout.js';
import { MANIFEST_FILE, WEIGHTS_FILE } from './manifest.js';
import { isModelName, parseVersionDir } from './names.js';
import { TOMBSTONE_FILE } from './tombstone.js';

/** Temp folders of publishes running in this process, never swept whatever their age. */
export const liveTemps = new Set<string>();

/** Removes crash leftovers under every model; a folder holding a manifest (a live version) is never touched. */
export async function sweepRegistry(root: string, staleTempMs: number): Promise<number> {
  const models = (await listOrEmpty(root)).filter(isModelName);
  let removed = 0;
  for (const model of models) removed += await sweepModel(join(root, model), staleTempMs);
  return removed;
}

export async function sweepModel(dir: string, staleTempMs: number): Promise<number> {
  let removed = 0;
  for (const entry of await listOrEmpty(dir)) {
    const path = join(dir, entry);
    if (entry.startsWith(TEMP_PREFIX)) {
      if (liveTemps.has(path)) continue;
      if (Date.now() - (await lastModified(path)) < staleTempMs) continue;
      await rm(path, { recursive: true, force: true });
      removed += 1;
    } else if (parseVersionDir(entry) !== null && (await isHalfDeleted(path))) {
      // A delete that crashed after hiding the manifest: finish freeing the weights.
      await rm(join(path, WEIGHTS_FILE), { force: true });
      removed += 1;
    }
  }
  return removed;
}

// The newest mtime of the entry and its direct children: a long write into an old folder keeps it fresh.
async function lastModified(path: string): Promise<number> {
  const times = [path, ...(await listOrEmpty(path)).map((child) => join(path, child))].map((p) =>
    lstat(p).then(
      (s) => s.mtimeMs,
      () => 0,
    ),
  );
  return Math.max(...(await Promise.all(times)));
}

async function isHalfDeleted(versionDir: string): Promise<boolean> {
  return (
    (await exists(join(versionDir, TOMBSTONE_FILE))) &&
    !(await exists(join(versionDir, MANIFEST_FILE))) &&
    (await exists(join(versionDir, WEIGHTS_FILE)))
  );
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

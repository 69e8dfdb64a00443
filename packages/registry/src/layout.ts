import { access, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, TEMP_PREFIX } from './durable.js';
import { MANIFEST_FILE, parseManifest } from './manifest.js';
import { assertModelName, assertVersion, isModelName, parseVersionDir } from './names.js';
import { type Manifest, RegistryError } from './types.js';

export function modelDir(root: string, name: string): string {
  return join(root, assertModelName(name));
}

export function versionDir(root: string, name: string, version: number): string {
  return join(modelDir(root, name), String(assertVersion(version)));
}

/** Every version number with a folder, visible or deleted: none of them is ever handed out again. */
export async function claimedVersions(dir: string): Promise<number[]> {
  return (await entriesOrEmpty(dir)).map(parseVersionDir).filter((v): v is number => v !== null);
}

/** Names in the root that are model folders; each other entry is reported to `stray` and skipped. */
export async function modelFolders(
  root: string,
  stray: (entry: string, why: string) => void,
): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const folders = await Promise.all(
    entries.map(async (entry) => {
      if (!isModelName(entry)) stray(entry, 'its name is not a model name');
      else if (!(await isDirectory(join(root, entry)))) stray(entry, 'it is not a folder');
      else return entry;
      return null;
    }),
  );
  return folders.filter((entry): entry is string => entry !== null);
}

/** True for a model folder that has never held a version and is not being published into (no temp entry). */
export async function isEmptyModelFolder(dir: string): Promise<boolean> {
  const entries = await entriesOrEmpty(dir);
  return !entries.some((e) => parseVersionDir(e) !== null || e.startsWith(TEMP_PREFIX));
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

// A missing folder, or a file where a model folder should be, holds no versions.
async function entriesOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

/** Versions whose manifest exists (the manifest is the commit mark), ascending. */
export async function visibleVersions(dir: string): Promise<number[]> {
  const claimed = await claimedVersions(dir);
  const present = await Promise.all(claimed.map((v) => exists(join(dir, String(v), MANIFEST_FILE))));
  return claimed.filter((_, i) => present[i]).sort((a, b) => a - b);
}

export async function readManifest(root: string, name: string, version: number): Promise<Manifest> {
  const path = join(versionDir(root, name, version), MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) {
      throw new RegistryError('NOT_FOUND', `model ${name} has no version ${version}`);
    }
    throw new RegistryError(
      'CORRUPT',
      `manifest of ${name} v${version} is unreadable (${(error as Error).message})`,
    );
  }
  return parseManifest(text, name, version);
}

/** Manifests of the given versions that parse; a corrupt one is skipped here and reported by `manifest()`. */
export async function readableManifests(root: string, name: string, versions: number[]): Promise<Manifest[]> {
  const read = await Promise.all(versions.map((v) => readManifest(root, name, v).catch(() => null)));
  return read.filter((m): m is Manifest => m !== null);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from './durable.js';
import { MANIFEST_FILE, parseManifest } from './manifest.js';
import { assertModelName, assertVersion, parseVersionDir } from './names.js';
import { type Manifest, RegistryError } from './types.js';

export function modelDir(root: string, name: string): string {
  return join(root, assertModelName(name));
}

export function versionDir(root: string, name: string, version: number): string {
  return join(modelDir(root, name), String(assertVersion(version)));
}

/** Every version number with a folder, visible or deleted: none of them is ever handed out again. */
export async function claimedVersions(dir: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  return entries.map(parseVersionDir).filter((v): v is number => v !== null);
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

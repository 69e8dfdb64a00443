import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DatasetManifest, datasetManifestSchema, isDatasetName } from '@ocellus/contracts';
import { parseVersionDir } from '@ocellus/registry';
import { errorCode } from '@ocellus/registry/durable';
import { DatasetError } from '../errors.js';

/** The commit mark of a version: written last, renamed to TOMBSTONE_FILE when the version is deleted. */
export const MANIFEST_FILE = 'dataset.json';
export const TOMBSTONE_FILE = '.deleted';

/** Where the datasets of a registry live: beside its models, in a folder no model name can take. */
export function datasetStoreRoot(registryRoot: string): string {
  return join(registryRoot, '.datasets');
}

export function assertDatasetName(name: unknown): string {
  if (!isDatasetName(name)) {
    throw new DatasetError(
      'INVALID_NAME',
      "a dataset name is 1-64 characters of a-z, 0-9 and '-', not starting with '-', and not mnist, digit-loc or digit-scenes",
    );
  }
  return name;
}

export function datasetDir(root: string, name: string): string {
  return join(root, assertDatasetName(name));
}

export function versionDir(root: string, name: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new DatasetError('INVALID_NAME', 'a dataset version is a positive integer');
  }
  return join(datasetDir(root, name), String(version));
}

/** Every version number with a folder, live or deleted: none is handed out again. */
export async function claimedVersions(dir: string): Promise<number[]> {
  return (await entriesOrEmpty(dir)).map(parseVersionDir).filter((v): v is number => v !== null);
}

export async function datasetNames(root: string): Promise<string[]> {
  return (await entriesOrEmpty(root)).filter(isDatasetName).sort();
}

export async function readDatasetManifest(
  root: string,
  name: string,
  version: number,
): Promise<DatasetManifest> {
  let text: string;
  try {
    text = await readFile(join(versionDir(root, name, version), MANIFEST_FILE), 'utf8');
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) {
      throw new DatasetError('NOT_FOUND', `dataset ${name} has no version ${version}`);
    }
    throw error;
  }
  return parseManifest(text, name, version);
}

export function parseManifest(text: string, name: string, version: number): DatasetManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DatasetError('CORRUPT', `the manifest of dataset ${name} v${version} is not JSON`);
  }
  const parsed = datasetManifestSchema.safeParse(json);
  if (!parsed.success || parsed.data.name !== name || parsed.data.version !== version) {
    throw new DatasetError(
      'CORRUPT',
      `the manifest of dataset ${name} v${version} does not match its schema`,
    );
  }
  return parsed.data;
}

/** Live versions (their manifest readable), ascending. */
export async function liveManifests(root: string, name: string): Promise<DatasetManifest[]> {
  const versions = (await claimedVersions(datasetDir(root, name))).sort((a, b) => a - b);
  const read = await Promise.all(
    versions.map((v) =>
      readDatasetManifest(root, name, v).catch((error: unknown) => {
        if (error instanceof DatasetError && error.code === 'NOT_FOUND') return null;
        throw error;
      }),
    ),
  );
  return read.filter((m): m is DatasetManifest => m !== null);
}

async function entriesOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Split } from '@ocellus/contracts';
import { CocoFormatError } from '@ocellus/vision/coco';
import { safeEntryPath } from '../archive/entry-path.js';
import { DatasetError, overLimit } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import type { ImageSink } from './image-sink.js';
import { walkFiles } from './walk.js';

const MAX_REPORTED_ISSUES = 3;

/** A kind of COCO document: its name and marks (for messages), how it is recognised, and its parser. */
export interface CocoDocumentKind<T> {
  name: 'instances' | 'captions';
  marks: string;
  isDocument(json: Record<string, unknown>): boolean;
  parse(json: unknown): T;
}

/** True when every one of `keys` is an array of the JSON object. */
export const holdsArrays = (json: Record<string, unknown>, keys: readonly string[]): boolean =>
  keys.every((key) => Array.isArray(json[key]));

/** `instances_train2017.json` is the train split, `*val*` validation, `*test*` test; otherwise none. */
export function splitOfName(file: string): Split | null {
  const name = basename(file).toLowerCase();
  if (name.includes('train')) return 'train';
  if (name.includes('val')) return 'validation';
  if (name.includes('test')) return 'test';
  return null;
}

/** A JSON file of the upload, or undefined when it does not parse. */
async function readJson(path: string, limits: ImportLimits): Promise<unknown> {
  if ((await stat(path)).size > limits.maxEntryBytes)
    throw overLimit('maxEntryBytes', limits.maxEntryBytes, 'a JSON file');
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Where an image named by `file_name` is: beside the JSON, in an `images/` folder there, or at the root. */
async function imagePath(root: string, json: string, name: string): Promise<string> {
  const base = join(root, dirname(json));
  const candidates = [
    join(base, name),
    join(base, 'images', name),
    join(root, name),
    join(root, 'images', name),
  ];
  for (const candidate of candidates) {
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  return candidates[0]!;
}

/**
 * Every JSON of the upload that is a document of `kind`, validated by its parser; any other JSON file is
 * listed as rejected. A document that does not hold together fails the import, naming its first issues.
 */
export async function readCocoDocuments<T>(
  root: string,
  sink: ImageSink,
  limits: ImportLimits,
  kind: CocoDocumentKind<T>,
): Promise<{ file: string; doc: T }[]> {
  const documents = [];
  for (const file of (await walkFiles(root)).filter((f) => f.toLowerCase().endsWith('.json'))) {
    const json = await readJson(join(root, file), limits);
    if (typeof json !== 'object' || json === null || !kind.isDocument(json as Record<string, unknown>)) {
      sink.reject(file, `not a COCO ${kind.name} document (${kind.marks})`);
      continue;
    }
    try {
      documents.push({ file, doc: kind.parse(json) });
    } catch (error) {
      if (!(error instanceof CocoFormatError)) throw error;
      const issues = error.issues.slice(0, MAX_REPORTED_ISSUES).join('; ');
      throw new DatasetError(
        'INVALID_DATASET',
        `a COCO document does not hold together: ${issues}`.slice(0, 500),
      );
    }
  }
  if (documents.length === 0) {
    throw new DatasetError('INVALID_DATASET', `no COCO ${kind.name} JSON (${kind.marks}) in the upload`);
  }
  return documents;
}

/** The image a document's `file_name` names (see `imagePath`), or null, listed as rejected, when it climbs out. */
export async function namedImage(
  root: string,
  json: string,
  fileName: string,
  sink: ImageSink,
): Promise<{ path: string; name: string } | null> {
  let name: string;
  try {
    name = safeEntryPath(fileName);
  } catch {
    sink.reject(fileName, 'its file_name is absolute or climbs out of the upload');
    return null;
  }
  return { path: await imagePath(root, json, name), name };
}

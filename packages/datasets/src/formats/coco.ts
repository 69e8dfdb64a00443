import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Split, StoredObject } from '@ocellus/contracts';
import { CocoFormatError, cocoAnnotations, parseCocoInstances } from '@ocellus/vision/coco';
import { safeEntryPath } from '../archive/entry-path.js';
import { DatasetError, overLimit } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import type { FormatReader } from './image-sink.js';
import { walkFiles } from './walk.js';

const MAX_REPORTED_ISSUES = 3;

/** `instances_train2017.json` is the train split, `*val*` validation, `*test*` test; otherwise none. */
function splitOfName(file: string): Split | null {
  const name = basename(file).toLowerCase();
  if (name.includes('train')) return 'train';
  if (name.includes('val')) return 'validation';
  if (name.includes('test')) return 'test';
  return null;
}

const isInstancesDocument = (json: unknown): boolean =>
  typeof json === 'object' &&
  json !== null &&
  ['images', 'annotations', 'categories'].every((key) =>
    Array.isArray((json as Record<string, unknown>)[key]),
  );

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

/** The class of an image for a stratified split: its largest object's, or -1 for an image without objects. */
function primaryLabel(objects: readonly StoredObject[]): number {
  let best = -1;
  let area = -1;
  for (const o of objects) {
    const a = (o.box[2] - o.box[0]) * (o.box[3] - o.box[1]);
    if (a > area) [best, area] = [o.label, a];
  }
  return best;
}

/**
 * COCO instances: every JSON of the upload holding `images`, `annotations` and `categories` (validated and
 * cross-checked by @ocellus/vision's parser), the images they name, categories merged by id.
 */
export function cocoReader(limits: ImportLimits): FormatReader {
  return async (root, sink) => {
    const files = await walkFiles(root);
    const documents = [];
    for (const file of files.filter((f) => f.toLowerCase().endsWith('.json'))) {
      const json = await readJson(join(root, file), limits);
      if (!isInstancesDocument(json)) {
        sink.reject(file, 'not a COCO instances document (images, annotations, categories)');
        continue;
      }
      try {
        documents.push({ file, doc: parseCocoInstances(json) });
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
      throw new DatasetError(
        'INVALID_DATASET',
        'no COCO instances JSON (images, annotations, categories) in the upload',
      );
    }
    const names = new Map<number, string>();
    for (const { doc } of documents) {
      for (const category of doc.categories) {
        const known = names.get(category.id);
        if (known !== undefined && known !== category.name) {
          throw new DatasetError(
            'INVALID_DATASET',
            `category ${category.id} has two names across the COCO documents`,
          );
        }
        names.set(category.id, category.name);
      }
    }
    const ids = [...names.keys()].sort((a, b) => a - b);
    const labels = ids.map((id) => names.get(id)!);
    for (const { file, doc } of documents) {
      const split = documents.length === 1 ? null : splitOfName(file);
      const own = [...doc.categories].sort((a, b) => a.id - b.id).map((c) => ids.indexOf(c.id));
      for (const image of cocoAnnotations(doc).images) {
        let name: string;
        try {
          name = safeEntryPath(image.fileName);
        } catch {
          sink.reject(image.fileName, 'its file_name is absolute or climbs out of the upload');
          continue;
        }
        const objects = image.objects.map((o) => ({
          label: own[o.index]!,
          box: o.box,
          mask: o.mask,
          crowd: o.crowd,
        }));
        await sink.addFile(await imagePath(root, file, name), name, primaryLabel(objects), split, {
          width: image.width,
          height: image.height,
          objects,
        });
      }
    }
    return labels;
  };
}

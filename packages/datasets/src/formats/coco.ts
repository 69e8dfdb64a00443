import type { StoredObject } from '@ocellus/contracts';
import { type CocoInstances, cocoAnnotations, parseCocoInstances } from '@ocellus/vision/coco';
import { DatasetError } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import {
  type CocoDocumentKind,
  holdsArrays,
  namedImage,
  readCocoDocuments,
  splitOfName,
} from './coco-files.js';
import type { FormatReader } from './image-sink.js';

const INSTANCES: CocoDocumentKind<CocoInstances> = {
  name: 'instances',
  marks: 'images, annotations, categories',
  isDocument: (json) => holdsArrays(json, ['images', 'annotations', 'categories']),
  parse: parseCocoInstances,
};

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
    const documents = await readCocoDocuments(root, sink, limits, INSTANCES);
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
        const found = await namedImage(root, file, image.fileName, sink);
        if (found === null) continue;
        const objects = image.objects.map((o) => ({
          label: own[o.index]!,
          box: o.box,
          mask: o.mask,
          crowd: o.crowd,
        }));
        await sink.addFile(found.path, found.name, primaryLabel(objects), split, {
          width: image.width,
          height: image.height,
          objects,
        });
      }
    }
    return labels;
  };
}

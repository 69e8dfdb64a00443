import type { Rle } from '@ocellus/contracts';
import { countsToString, encodeMask } from '../rle.js';
import type { SceneObject } from '../scenes/scene-set.js';
import { rasterisePolygons } from './polygon.js';
import type { CocoImage, CocoInstances, CocoSegmentation } from './schema.js';

/** An imported object; crowd regions (`iscrowd: 1`) are kept and marked, for evaluators to ignore. */
export interface CocoObject extends SceneObject {
  crowd: boolean;
}

/** One image of a COCO document with its objects, class indices into `CocoAnnotations.labels`. */
export interface CocoImageObjects {
  id: number;
  fileName: string;
  height: number;
  width: number;
  objects: CocoObject[];
}

export interface CocoAnnotations {
  /** Category names in order of category id; an object's `index` points into this list. */
  labels: string[];
  images: CocoImageObjects[];
}

/** Any COCO segmentation as compressed RLE over its image. */
function toRle(segmentation: CocoSegmentation, image: CocoImage): Rle {
  if (Array.isArray(segmentation)) {
    return encodeMask(rasterisePolygons(segmentation, image.height, image.width), image.height, image.width);
  }
  const [h, w] = segmentation.size;
  const counts =
    typeof segmentation.counts === 'string' ? segmentation.counts : countsToString(segmentation.counts);
  return { size: [h, w], counts };
}

/** The objects of a validated document (`parseCocoInstances`), image by image in document order. */
export function cocoAnnotations(doc: CocoInstances): CocoAnnotations {
  const categories = [...doc.categories].sort((a, b) => a.id - b.id);
  const classOf = new Map(categories.map((category, index) => [category.id, index]));
  const images: CocoImageObjects[] = doc.images.map((image) => ({
    id: image.id,
    fileName: image.file_name,
    height: image.height,
    width: image.width,
    objects: [],
  }));
  const byId = new Map(images.map((image, i) => [image.id, { record: image, image: doc.images[i]! }]));
  for (const annotation of doc.annotations) {
    const entry = byId.get(annotation.image_id);
    const index = classOf.get(annotation.category_id);
    if (entry === undefined || index === undefined) {
      throw new RangeError(`annotation ${annotation.id} refers to a missing image or category`);
    }
    const [x, y, w, h] = annotation.bbox;
    entry.record.objects.push({
      index,
      box: [x, y, x + w, y + h],
      mask: toRle(annotation.segmentation, entry.image),
      crowd: annotation.iscrowd === 1,
    });
  }
  return { labels: categories.map((category) => category.name), images };
}

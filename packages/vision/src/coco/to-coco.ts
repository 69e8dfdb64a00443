import { MNIST_LABELS } from '../mnist/load.js';
import { stringToCounts } from '../rle.js';
import type { SceneSet } from '../scenes/scene-set.js';
import type { CocoAnnotation, CocoInstances } from './schema.js';

export interface CocoExportOptions {
  /** Category names by class index (default the digits '0'..'9'); category ids are index + 1. */
  labels?: readonly string[];
  /** The file name of image `i` (default `000000.png`, `000001.png`, ...); image ids are i + 1. */
  fileName?: (i: number) => string;
}

const defaultFileName = (i: number) => `${String(i).padStart(6, '0')}.png`;

/** Pixels inside a compressed RLE mask: the sum of its odd (ones) runs. */
function maskArea(counts: string): number {
  return stringToCounts(counts).reduce((sum, run, i) => (i % 2 === 1 ? sum + run : sum), 0);
}

/**
 * A scene set as a COCO instances document: bbox `[x, y, w, h]` from each box, area the mask's
 * pixel count, iscrowd 0, segmentation the compressed RLE as it is.
 */
export function toCocoInstances(scenes: SceneSet, options: CocoExportOptions = {}): CocoInstances {
  const labels = options.labels ?? MNIST_LABELS;
  const fileName = options.fileName ?? defaultFileName;
  const { height, width } = scenes.set;
  const annotations: CocoAnnotation[] = [];
  scenes.objects.forEach((objects, i) => {
    for (const { index, box, mask } of objects) {
      if (labels[index] === undefined) throw new RangeError(`class ${index} has no label`);
      const [x1, y1, x2, y2] = box;
      annotations.push({
        id: annotations.length + 1,
        image_id: i + 1,
        category_id: index + 1,
        bbox: [x1, y1, x2 - x1, y2 - y1],
        area: maskArea(mask.counts),
        iscrowd: 0,
        segmentation: { size: [mask.size[0], mask.size[1]], counts: mask.counts },
      });
    }
  });
  return {
    images: Array.from({ length: scenes.set.size }, (_, i) => ({
      id: i + 1,
      file_name: fileName(i),
      width,
      height,
    })),
    annotations,
    categories: labels.map((name, index) => ({ id: index + 1, name, supercategory: 'digit' })),
  };
}

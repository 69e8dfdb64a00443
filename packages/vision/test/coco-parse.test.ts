import {
  CocoFormatError,
  cocoAnnotations,
  parseCocoInstances,
  rasterisePolygons,
} from '@ocellus/vision/coco';
import { decodeMask, encodeMask, maskToCounts } from '@ocellus/vision/rle';
import { describe, expect, it } from 'vitest';

/** A 4x5 image with one object: the pixels (1..3, 1..2) as a compressed RLE. */
function documentWith(segmentation: unknown, changes: Record<string, unknown> = {}) {
  const mask = new Uint8Array(20);
  for (const y of [1, 2]) for (const x of [1, 2, 3]) mask[y * 5 + x] = 1;
  return {
    images: [{ id: 7, file_name: 'a.png', height: 4, width: 5 }],
    categories: [
      { id: 3, name: 'cat' },
      { id: 1, name: 'dog' },
    ],
    annotations: [
      {
        id: 1,
        image_id: 7,
        category_id: 3,
        bbox: [1, 1, 3, 2],
        area: 6,
        iscrowd: 0,
        segmentation: segmentation === undefined ? encodeMask(mask, 4, 5) : segmentation,
        ...changes,
      },
    ],
    square: mask,
  };
}

function issuesOf(json: unknown): string[] {
  try {
    parseCocoInstances(json);
  } catch (error) {
    if (error instanceof CocoFormatError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('parseCocoInstances', () => {
  it('reads a document, ordering classes by category id and turning bbox into corners', () => {
    const { square, ...doc } = documentWith(undefined);
    const { labels, images } = cocoAnnotations(parseCocoInstances(doc));
    expect(labels).toEqual(['dog', 'cat']);
    expect(images).toHaveLength(1);
    const [object] = images[0]!.objects;
    expect(object).toMatchObject({ index: 1, box: [1, 1, 4, 3], crowd: false });
    expect(decodeMask(object!.mask)).toEqual(square);
  });

  it('accepts uncompressed RLE counts and marks crowd regions', () => {
    const { square, ...plain } = documentWith(undefined);
    const counts = maskToCounts(square, 4, 5);
    const doc = {
      ...plain,
      annotations: [{ ...plain.annotations[0]!, segmentation: { size: [4, 5], counts }, iscrowd: 1 }],
    };
    const [object] = cocoAnnotations(parseCocoInstances(doc)).images[0]!.objects;
    expect(decodeMask(object!.mask)).toEqual(square);
    expect(object!.crowd).toBe(true);
  });

  it('rasterises polygons by pixel centres', () => {
    const { square, ...doc } = documentWith([[1, 1, 4, 1, 4, 3, 1, 3]]);
    const [object] = cocoAnnotations(parseCocoInstances(doc)).images[0]!.objects;
    expect(decodeMask(object!.mask)).toEqual(square);
  });

  it('names the path of every malformed part', () => {
    const { square: _, ...doc } = documentWith(undefined);
    expect(issuesOf({ ...doc, images: undefined })).toEqual([expect.stringMatching(/^images: /)]);
    expect(issuesOf(documentWith(undefined, { bbox: [1, 2, 3] }))[0]).toMatch(/^annotations\[0\]\.bbox: /);
    expect(issuesOf(documentWith(undefined, { image_id: 8 }))).toEqual([
      'annotations[0].image_id: no image has id 8',
    ]);
    expect(issuesOf(documentWith(undefined, { category_id: 2 }))).toEqual([
      'annotations[0].category_id: no category has id 2',
    ]);
    expect(issuesOf(documentWith({ size: [5, 4], counts: '5' }))).toEqual([
      "annotations[0].segmentation.size: [5, 4] is not its image's [4, 5]",
    ]);
    expect(issuesOf(documentWith({ size: [4, 5], counts: '5' }))).toEqual([
      'annotations[0].segmentation.counts: the runs cover 5 of 20 pixels',
    ]);
    expect(issuesOf(documentWith([[1, 1, 4, 1, 4]]))[0]).toMatch(
      /^annotations\[0\]\.segmentation\[0\]: Too small/,
    );
    expect(issuesOf(documentWith(17))[0]).toMatch(
      /^annotations\[0\]\.segmentation: segmentation must be RLE/,
    );
    expect(issuesOf({ ...doc, images: [doc.images[0], doc.images[0]] })).toEqual([
      'images[1].id: id 7 is used twice',
    ]);
  });

  it('throws a CocoFormatError whose message lists the issues', () => {
    expect(() => parseCocoInstances({ images: [], annotations: [] })).toThrow(
      /invalid COCO instances document: categories: /,
    );
    expect(() => parseCocoInstances('not a document')).toThrow(CocoFormatError);
  });
});

describe('rasterisePolygons', () => {
  it('fills the union of the polygons, a triangle by its pixel centres', () => {
    // Right triangle (0,0) (4,0) (0,4): centre (x+0.5, y+0.5) inside when x + y + 1 < 4.
    const mask = rasterisePolygons(
      [
        [0, 0, 4, 0, 0, 4],
        [4, 3, 5, 3, 5, 4, 4, 4],
      ],
      4,
      5,
    );
    const expected = Array.from({ length: 20 }, (_, p) => {
      const [x, y] = [p % 5, Math.floor(p / 5)];
      return x + y + 1 < 4 || (x === 4 && y === 3) ? 1 : 0;
    });
    expect(Array.from(mask)).toEqual(expected);
  });
});

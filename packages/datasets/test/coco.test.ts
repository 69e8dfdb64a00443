import { datasetImportOptionsSchema } from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';
import { loadStoredDataset, openDatasetStore } from '../src/index.js';
import { leftovers, png, tempDirsPerTest, writeFiles } from './helpers/fixtures.js';

const options = (extra: Record<string, unknown> = {}) =>
  datasetImportOptionsSchema.parse({ format: 'coco', maxSide: 64, test: 0, ...extra });

let root: string;
let source: string;
tempDirsPerTest((dirs) => {
  ({ root, source } = dirs);
});

const categories = [
  { id: 7, name: 'ring' },
  { id: 3, name: 'disc' },
];

/** One object per image: a box and a square polygon inside it. */
function instances(images: { id: number; file: string; width: number; height: number; category: number }[]) {
  return JSON.stringify({
    categories,
    images: images.map(({ id, file, width, height }) => ({ id, file_name: file, width, height })),
    annotations: images.map(({ id, category }) => ({
      id: 100 + id,
      image_id: id,
      category_id: category,
      bbox: [8, 4, 16, 8],
      area: 128,
      segmentation: [[8, 4, 24, 4, 24, 12, 8, 12]],
    })),
  });
}

describe('COCO import', () => {
  it('merges categories by id, keeps each document as its split, and scales boxes and masks with the image', async () => {
    await writeFiles(source, {
      'annotations/instances_train.json': instances([
        { id: 1, file: 'a.png', width: 128, height: 64, category: 3 },
        { id: 2, file: 'b.png', width: 32, height: 16, category: 7 },
      ]),
      'annotations/instances_val.json': instances([
        { id: 1, file: 'c.png', width: 32, height: 16, category: 3 },
      ]),
      'images/a.png': await png(128, 64, 10),
      'images/b.png': await png(32, 16, 20),
      'images/c.png': await png(32, 16, 30),
    });
    const manifest = await openDatasetStore(root).import(
      'blobs',
      { kind: 'directory', path: source },
      options(),
    );
    expect(manifest.labels).toEqual(['disc', 'ring']);
    expect(manifest.tasks).toEqual(['localize', 'detect', 'segment']);
    expect(manifest.splitMethod.source).toBe('format');
    expect(manifest.splits.train.perClass).toEqual([1, 1]);
    expect(manifest.splits.validation.perClass).toEqual([1, 0]);
    expect(manifest.files.annotations?.sha256).toMatch(/^[0-9a-f]{64}$/);

    const stored = loadStoredDataset(root, 'blobs', 1);
    // a.png was 128x64 and is stored at 64x32: its box and mask are halved with it.
    expect(Array.from(stored.records.subarray(0, 4))).toEqual([64, 32, 1, 0]);
    expect(stored.objects?.[0]).toEqual([
      { label: 0, box: [4, 2, 12, 6], mask: { size: [32, 64], counts: expect.any(String) }, crowd: false },
    ]);
    expect(stored.objects?.[1]?.[0]).toMatchObject({
      label: 1,
      box: [8, 4, 24, 12],
      mask: { size: [16, 32] },
    });
  });

  it('lists missing, climbing and mis-sized images as rejected', async () => {
    await writeFiles(source, {
      'instances.json': instances([
        { id: 1, file: 'ok.png', width: 32, height: 16, category: 3 },
        { id: 2, file: 'missing.png', width: 32, height: 16, category: 3 },
        { id: 3, file: '../../etc/passwd', width: 32, height: 16, category: 7 },
        { id: 4, file: 'wrong.png', width: 40, height: 16, category: 7 },
      ]),
      'ok.png': await png(32, 16, 1),
      'wrong.png': await png(32, 16, 2),
    });
    const manifest = await openDatasetStore(root).import(
      'loose',
      { kind: 'directory', path: source },
      options(),
    );
    expect(manifest.images.count).toBe(1);
    expect(manifest.rejected.files).toEqual([
      { file: 'missing.png', reason: 'no such image file in the upload' },
      { file: '../../etc/passwd', reason: 'its file_name is absolute or climbs out of the upload' },
      { file: 'wrong.png', reason: 'the image is 32x16, its annotation says 40x16' },
    ]);
  });

  it('refuses annotations that refer to images the document does not have, leaving nothing behind', async () => {
    const broken = JSON.parse(instances([{ id: 1, file: 'a.png', width: 32, height: 16, category: 3 }]));
    broken.annotations[0].image_id = 99;
    await writeFiles(source, { 'instances.json': JSON.stringify(broken), 'a.png': await png(32, 16, 1) });
    const store = openDatasetStore(root);
    await expect(
      store.import('broken', { kind: 'directory', path: source }, options()),
    ).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message: expect.stringMatching(/^a COCO document does not hold together: annotations\[0\]\.image_id/),
    });
    expect(await leftovers(root)).toEqual([]);
  });

  it('refuses an upload with no COCO document', async () => {
    await writeFiles(source, { 'notes.json': '{"hello": 1}', 'a.png': await png(32, 16, 1) });
    await expect(
      openDatasetStore(root).import('none', { kind: 'directory', path: source }, options()),
    ).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message: expect.stringMatching(/no COCO instances JSON/),
    });
  });
});

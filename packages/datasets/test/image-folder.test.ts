import { join } from 'node:path';
import { datasetImportOptionsSchema } from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';
import { loadStoredDataset, openDatasetStore } from '../src/index.js';
import { imageFolderFiles, leftovers, png, tempDirsPerTest, writeFiles } from './helpers/fixtures.js';

const options = (extra: Record<string, unknown> = {}) =>
  datasetImportOptionsSchema.parse({ format: 'image-folder', ...extra });

let root: string;
let source: string;
tempDirsPerTest((dirs) => {
  ({ root, source } = dirs);
});

describe('image folder import', () => {
  it('labels sorted class folders and splits each class stratified and seeded', async () => {
    await writeFiles(source, await imageFolderFiles(['dog', 'cat'], 10));
    const store = openDatasetStore(root);
    const manifest = await store.import(
      'pets',
      { kind: 'directory', path: source },
      options({ validation: 0.2, test: 0.1 }),
    );
    expect(manifest.version).toBe(1);
    expect(manifest.labels).toEqual(['cat', 'dog']);
    expect(manifest.splitMethod.source).toBe('stratified');
    expect(manifest.splits.test.perClass).toEqual([1, 1]);
    expect(manifest.splits.validation.perClass).toEqual([2, 2]);
    expect(manifest.splits.train.perClass).toEqual([7, 7]);
    expect(manifest.images).toMatchObject({
      count: 20,
      grey: 20,
      rgb: 0,
      sizes: [{ width: 12, height: 10, count: 20 }],
    });

    const again = await store.import(
      'pets',
      { kind: 'directory', path: source },
      options({ validation: 0.2, test: 0.1 }),
    );
    const other = await store.import(
      'pets',
      { kind: 'directory', path: source },
      options({ validation: 0.2, test: 0.1, seed: 9 }),
    );
    const splitsOf = (version: number) => {
      const { records } = loadStoredDataset(root, 'pets', version);
      return Array.from({ length: 20 }, (_, i) => records[i * 5 + 4]);
    };
    expect(again.version).toBe(2);
    expect(splitsOf(2)).toEqual(splitsOf(1));
    expect(splitsOf(3)).not.toEqual(splitsOf(1));
    expect(other.version).toBe(3);
  });

  it('keeps the upload own train/val/test folders as its split', async () => {
    await writeFiles(source, {
      ...(await imageFolderFiles(['a', 'b'], 4, 'train/')),
      ...(await imageFolderFiles(['a', 'b'], 2, 'val/')),
      ...(await imageFolderFiles(['a', 'b'], 3, 'test/')),
    });
    const manifest = await openDatasetStore(root).import(
      'ab',
      { kind: 'directory', path: source },
      options(),
    );
    expect(manifest.splitMethod.source).toBe('format');
    expect(manifest.splits.train.perClass).toEqual([4, 4]);
    expect(manifest.splits.validation.perClass).toEqual([2, 2]);
    expect(manifest.splits.test.perClass).toEqual([3, 3]);
  });

  it('stores grey and RGB images of any size as decoded, shrinking those over maxSide', async () => {
    await writeFiles(source, {
      'wrap/grey/a.png': await png(30, 20, 10),
      'wrap/grey/b.png': await png(30, 20, 20),
      'wrap/colour/a.png': await png(400, 100, 200, 3),
      'wrap/colour/b.png': await png(16, 16, 100, 3),
    });
    const manifest = await openDatasetStore(root).import(
      'mixed',
      { kind: 'directory', path: source },
      options({ maxSide: 64, validation: 0, test: 0 }),
    );
    expect(manifest.labels).toEqual(['colour', 'grey']);
    expect(manifest.images).toMatchObject({ count: 4, grey: 2, rgb: 2, width: { min: 16, max: 64 } });
    const stored = loadStoredDataset(root, 'mixed', 1);
    const shrunk = Array.from({ length: 4 }, (_, i) => stored.records.subarray(i * 5, i * 5 + 3).join('x'));
    expect(shrunk).toContain('64x16x3');
    expect(stored.pixels.length).toBe(64 * 16 * 3 + 16 * 16 * 3 + 2 * 30 * 20);
  });

  it('lists undecodable files and stray files as rejected with their reasons', async () => {
    await writeFiles(source, {
      ...(await imageFolderFiles(['a', 'b'], 3)),
      'a/broken.png': Buffer.from('not an image at all'),
      'README.txt': 'hello',
    });
    const manifest = await openDatasetStore(root).import(
      'loose',
      { kind: 'directory', path: source },
      options(),
    );
    expect(manifest.images.count).toBe(6);
    expect(manifest.rejected.count).toBe(2);
    expect(manifest.rejected.files).toEqual(
      expect.arrayContaining([
        { file: 'README.txt', reason: 'not inside a class folder' },
        { file: join('a', 'broken.png'), reason: expect.stringMatching(/not a readable image/) },
      ]),
    );
  });

  it('fails a strict import on the first rejected file and leaves nothing behind', async () => {
    await writeFiles(source, {
      ...(await imageFolderFiles(['a', 'b'], 3)),
      'b/huge.png': await png(5000, 4000, 1),
    });
    const store = openDatasetStore(root);
    await expect(
      store.import('strict', { kind: 'directory', path: source }, options({ strict: true })),
    ).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message: expect.stringMatching(/pixels, over the limit/),
    });
    expect(await leftovers(root)).toEqual([]);
    await expect(store.describe('strict')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a folder with fewer than two classes', async () => {
    await writeFiles(source, await imageFolderFiles(['only'], 3));
    await expect(
      openDatasetStore(root).import('one', { kind: 'directory', path: source }, options()),
    ).rejects.toMatchObject({
      code: 'INVALID_DATASET',
    });
  });
});

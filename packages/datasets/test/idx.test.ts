import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { datasetImportOptionsSchema } from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';
import { loadStoredDataset, openDatasetStore } from '../src/index.js';
import { idx, idxPair, leftovers, tempDirsPerTest, writeFiles } from './helpers/fixtures.js';

const options = (extra: Record<string, unknown> = {}) =>
  datasetImportOptionsSchema.parse({ format: 'idx', ...extra });

let root: string;
let source: string;
tempDirsPerTest((dirs) => {
  ({ root, source } = dirs);
});

describe('IDX import', () => {
  it('makes train-*/t10k-* pairs (gzipped or not) the train and test splits, validation drawn from train', async () => {
    const train = idxPair(40, 4);
    const test = idxPair(12, 4, 100);
    await writeFiles(source, {
      'train-images-idx3-ubyte.gz': gzipSync(train.images),
      'train-labels-idx1-ubyte.gz': gzipSync(train.labels),
      't10k-images-idx3-ubyte': test.images,
      't10k-labels-idx1-ubyte': test.labels,
      'labels.txt': 'zero\none\ntwo\nthree\n',
    });
    const manifest = await openDatasetStore(root).import(
      'digits',
      { kind: 'directory', path: source },
      options({ validation: 0.2 }),
    );
    expect(manifest.labels).toEqual(['zero', 'one', 'two', 'three']);
    expect(manifest.splitMethod.source).toBe('format');
    expect(manifest.splits.test.perClass).toEqual([3, 3, 3, 3]);
    expect(manifest.splits.validation.perClass).toEqual([2, 2, 2, 2]);
    expect(manifest.splits.train.perClass).toEqual([8, 8, 8, 8]);
    expect(manifest.duplicates.acrossSplits).toBe(0);
    expect(manifest.rejected.count).toBe(0);

    const stored = loadStoredDataset(root, 'digits', 1);
    expect(stored.pixels.length).toBe(52 * 784);
    // Pairs are read in name order: t10k's 12 images first, image 1 of them is all 101s, label 1, split test (2).
    expect(stored.pixels.subarray(784, 2 * 784).every((v) => v === 101)).toBe(true);
    expect(Array.from(stored.records.subarray(5, 10))).toEqual([28, 28, 1, 1, 2]);
  });

  it('names the labels from the import options over a labels.txt', async () => {
    const pair = idxPair(10, 2);
    await writeFiles(source, {
      'train-images-idx3-ubyte': pair.images,
      'train-labels-idx1-ubyte': pair.labels,
      'labels.txt': 'a\nb\n',
    });
    const manifest = await openDatasetStore(root).import(
      'named',
      { kind: 'directory', path: source },
      options({ labels: ['shirt', 'shoe'] }),
    );
    expect(manifest.labels).toEqual(['shirt', 'shoe']);
  });

  it('counts pixel-identical images that sit in two splits', async () => {
    const train = idxPair(20, 2);
    const test = idxPair(6, 2, 3);
    await writeFiles(source, {
      'train-images-idx3-ubyte': train.images,
      'train-labels-idx1-ubyte': train.labels,
      't10k-images-idx3-ubyte': test.images,
      't10k-labels-idx1-ubyte': test.labels,
    });
    const manifest = await openDatasetStore(root).import(
      'leaky',
      { kind: 'directory', path: source },
      options(),
    );
    expect(manifest.labels).toEqual(['0', '1']);
    expect(manifest.duplicates.acrossSplits).toBe(6);
    expect(manifest.duplicates.examples[0]?.splits).toContain('test');
  });

  it('refuses labels that do not match the images and leaves nothing behind', async () => {
    const pair = idxPair(10, 2);
    await writeFiles(source, {
      'train-images-idx3-ubyte': pair.images,
      'train-labels-idx1-ubyte': idx([9], new Array(9).fill(0)),
    });
    const store = openDatasetStore(root);
    await expect(store.import('bad', { kind: 'directory', path: source }, options())).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message: 'labels do not match images: 9 labels for 10 images',
    });
    expect(await leftovers(root)).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('refuses an images file without its labels, a truncated file, and labels.txt naming too few classes', async () => {
    const pair = idxPair(10, 3);
    const store = openDatasetStore(root);
    const attempt = async (files: Record<string, Buffer | string>) => {
      await rm(source, { recursive: true, force: true });
      await writeFiles(source, files);
      return store.import('bad', { kind: 'directory', path: source }, options());
    };
    await expect(attempt({ 'train-images-idx3-ubyte': pair.images })).rejects.toMatchObject({
      message: expect.stringMatching(/no idx1 labels file/),
    });
    await expect(
      attempt({
        'train-images-idx3-ubyte': pair.images.subarray(0, 500),
        'train-labels-idx1-ubyte': pair.labels,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/header promises 7840 values and it holds/) });
    await expect(
      attempt({
        'train-images-idx3-ubyte': pair.images,
        'train-labels-idx1-ubyte': pair.labels,
        'labels.txt': 'a\nb\n',
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/labels.txt must name each of the 3 labels/) });
    await rm(join(source, 'labels.txt'));
    await expect(
      store.import('bad', { kind: 'directory', path: source }, options({ labels: ['x', 'y'] })),
    ).rejects.toMatchObject({ message: expect.stringMatching(/label names given must name each of the 3/) });
  });

  it('refuses a stored version whose data no longer matches its checksum', async () => {
    const pair = idxPair(10, 2);
    await writeFiles(source, {
      'train-images-idx3-ubyte': pair.images,
      'train-labels-idx1-ubyte': pair.labels,
    });
    await openDatasetStore(root).import('flip', { kind: 'directory', path: source }, options());
    const file = join(root, 'flip', '1', 'images.bin');
    const bytes = await readFile(file);
    bytes[5] = (bytes[5]! + 1) % 256;
    await writeFile(file, bytes);
    expect(() => loadStoredDataset(root, 'flip', 1)).toThrow(/does not match the checksum/);
  });
});

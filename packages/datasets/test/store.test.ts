import { mkdir, readdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetImportOptionsSchema } from '@ocellus/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatasetStore } from '../src/index.js';
import { imageFolderFiles, tempDir, writeFiles } from './helpers/fixtures.js';

const options = datasetImportOptionsSchema.parse({ format: 'image-folder' });
const unused = async () => null;

let root: string;
let source: string;
beforeEach(async () => {
  root = await tempDir('store');
  source = await tempDir('source');
  await writeFiles(source, await imageFolderFiles(['a', 'b'], 3));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(source, { recursive: true, force: true });
});

describe('dataset store', () => {
  it('lists datasets by name with their live versions, and describes each version', async () => {
    const store = openDatasetStore(root);
    await store.import('beta', { kind: 'directory', path: source }, options);
    await store.import('alpha', { kind: 'directory', path: source }, options);
    await store.import('alpha', { kind: 'directory', path: source }, options);
    expect(await store.list()).toEqual([
      { name: 'alpha', format: 'image-folder', tasks: ['classify'], versions: [1, 2], labels: ['a', 'b'] },
      { name: 'beta', format: 'image-folder', tasks: ['classify'], versions: [1], labels: ['a', 'b'] },
    ]);
    const detail = await store.describe('alpha');
    expect(detail.manifests.map((m) => m.version)).toEqual([1, 2]);
    expect((await store.manifest('alpha', 2)).files.images.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(store.manifest('alpha', 3)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never hands out a deleted version number again', async () => {
    const store = openDatasetStore(root);
    await store.import('set', { kind: 'directory', path: source }, options);
    await store.import('set', { kind: 'directory', path: source }, options);
    await store.deleteVersion('set', 2, unused);
    expect((await store.describe('set')).versions).toEqual([1]);
    expect(await readdir(join(root, 'set', '2'))).toEqual(['.deleted']);
    expect((await store.import('set', { kind: 'directory', path: source }, options)).version).toBe(3);
    await expect(store.deleteVersion('set', 2, unused)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('gives concurrent imports of one name distinct versions', async () => {
    const store = openDatasetStore(root);
    const versions = await Promise.all(
      [1, 2, 3].map(() => store.import('race', { kind: 'directory', path: source }, options)),
    );
    expect(versions.map((m) => m.version).sort()).toEqual([1, 2, 3]);
    expect((await store.describe('race')).versions).toEqual([1, 2, 3]);
  });

  it('sweeps work folders that crashed imports left, and only stale ones', async () => {
    const stale = join(root, '.tmp-1-crashed');
    const fresh = join(root, '.tmp-2-running');
    await mkdir(join(stale, 'files'), { recursive: true });
    await mkdir(fresh);
    const hourAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(stale, hourAgo, hourAgo);
    await openDatasetStore(root).import('after', { kind: 'directory', path: source }, options);
    expect((await readdir(root)).sort()).toEqual(['.tmp-2-running', 'after']);
  });

  it('refuses to delete a version while something uses it, and says what', async () => {
    const store = openDatasetStore(root);
    await store.import('busy', { kind: 'directory', path: source }, options);
    const seen: unknown[] = [];
    const inUse = async (dataset: { name: string; version: number }) => {
      seen.push(dataset);
      return 'model fashion-cnn v2';
    };
    await expect(store.deleteVersion('busy', 1, inUse)).rejects.toMatchObject({
      code: 'IN_USE',
      message: 'dataset busy v1 is in use by model fashion-cnn v2',
    });
    expect(seen).toEqual([{ name: 'busy', version: 1 }]);
    expect((await store.describe('busy')).versions).toEqual([1]);
  });

  it('refuses names that break the name rule or take a built-in dataset name', async () => {
    const store = openDatasetStore(root);
    for (const name of ['mnist', 'digit-scenes', '../up', 'Upper', '-dash', 'a'.repeat(65)]) {
      await expect(store.import(name, { kind: 'directory', path: source }, options)).rejects.toMatchObject({
        code: 'INVALID_NAME',
      });
    }
    await expect(store.describe('../up')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    expect(await readdir(root)).toEqual([]);
  });
});

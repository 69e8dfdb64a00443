import { rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { datasetImportOptionsSchema } from '@ocellus/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ImportLimits, openDatasetStore } from '../src/index.js';
import { idxPair, imageFolderFiles, leftovers, streamOf, tarGz, tempDir, zip } from './helpers/fixtures.js';

const folderOptions = datasetImportOptionsSchema.parse({ format: 'image-folder' });

let root: string;
beforeEach(async () => {
  root = await tempDir('store');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function folderEntries(): Promise<{ name: string; data: Buffer }[]> {
  return Object.entries(await imageFolderFiles(['a', 'b'], 3, 'set/')).map(([name, data]) => ({
    name,
    data,
  }));
}

/** Imports `archive` with `limits` and returns the refusal; the store must be left holding nothing. */
async function refusal(archive: Buffer, limits: Partial<ImportLimits> = {}) {
  const store = openDatasetStore(root, { limits });
  const error = await store
    .import('hostile', { kind: 'archive', stream: streamOf(archive) }, folderOptions)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(await leftovers(root)).toEqual([]);
  expect(await store.list()).toEqual([]);
  return error as { code: string; message: string; limit?: string };
}

describe('archive import', () => {
  it('imports an image folder from a zip and an IDX pair from a tar.gz, recording the archive hash', async () => {
    const store = openDatasetStore(root);
    const fromZip = await store.import(
      'zipped',
      { kind: 'archive', stream: streamOf(await zip(await folderEntries())) },
      folderOptions,
    );
    expect(fromZip.labels).toEqual(['a', 'b']);
    expect(fromZip.images.count).toBe(6);
    expect(fromZip.source.sha256).toMatch(/^[0-9a-f]{64}$/);

    const pair = idxPair(20, 2);
    const archive = await tarGz([
      { name: 'mnist/', type: 'directory' },
      { name: 'mnist/train-images-idx3-ubyte.gz', data: gzipSync(pair.images) },
      { name: 'mnist/train-labels-idx1-ubyte.gz', data: gzipSync(pair.labels) },
    ]);
    const fromTar = await store.import(
      'tarred',
      { kind: 'archive', stream: streamOf(archive) },
      datasetImportOptionsSchema.parse({ format: 'idx', test: 0.2 }),
    );
    expect(fromTar.images.count).toBe(20);
    expect(fromTar.splits.test.count).toBe(4);
    expect(fromTar.source.bytes).toBe(archive.length);
    expect(await leftovers(root)).toEqual([]);
  });

  it("refuses a zip entry that climbs out with '../' (zip slip)", async () => {
    const entries = await folderEntries();
    const bytes = await zip([...entries, { name: 'xx/evil.png', data: entries[0]!.data }]);
    // yazl refuses such names, so the name is patched in both the local and the central header.
    const patched = Buffer.from(bytes.toString('latin1').replaceAll('xx/evil.png', '../evil.png'), 'latin1');
    const error = await refusal(patched);
    expect(error).toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: expect.stringMatching(/absolute or climbs out/),
    });
  });

  it('refuses absolute and climbing paths in a tar.gz', async () => {
    const data = (await folderEntries())[0]!.data;
    expect(await refusal(await tarGz([{ name: '/etc/a/x.png', data }]))).toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: expect.stringMatching(/is absolute/),
    });
    expect(await refusal(await tarGz([{ name: 'a/../../x.png', data }]))).toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: expect.stringMatching(/climbs out/),
    });
  });

  it('refuses symbolic links in a zip and in a tar.gz', async () => {
    const link = { name: 'set/a/link.png', data: Buffer.from('/etc/passwd'), mode: 0o120777 };
    expect(await refusal(await zip([...(await folderEntries()), link]))).toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: expect.stringMatching(/symbolic link/),
    });
    expect(
      await refusal(await tarGz([{ name: 'a/link.png', type: 'symlink', linkname: '/etc/passwd' }])),
    ).toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: expect.stringMatching(/symbolic or hard link/),
    });
  });

  it('refuses a zip bomb by its compression ratio, from the headers and while inflating', async () => {
    const zeros = { name: 'set/a/zeros.png', data: Buffer.alloc(4 * 1024 * 1024) };
    expect(await refusal(await zip([zeros]))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxCompressionRatio',
    });
    expect(await refusal(await tarGz([zeros]))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxCompressionRatio',
    });
  });

  it('refuses archives over the entry count, entry size, total size and upload size limits', async () => {
    const entries = await folderEntries();
    const bytes = await zip(entries);
    expect(await refusal(bytes, { maxEntries: 5 })).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxEntries',
    });
    expect(await refusal(await tarGz(entries), { maxEntries: 5 })).toMatchObject({ limit: 'maxEntries' });
    const size = entries[0]!.data.length;
    expect(await refusal(bytes, { maxEntryBytes: size - 1 })).toMatchObject({ limit: 'maxEntryBytes' });
    expect(await refusal(await tarGz(entries), { maxEntryBytes: size - 1 })).toMatchObject({
      limit: 'maxEntryBytes',
    });
    expect(await refusal(bytes, { maxTotalBytes: size * 3 })).toMatchObject({ limit: 'maxTotalBytes' });
    expect(await refusal(bytes, { maxArchiveBytes: bytes.length - 1 })).toMatchObject({
      limit: 'maxArchiveBytes',
    });
  });

  it('refuses an upload that is no archive, a truncated one, and an empty one', async () => {
    expect(await refusal(Buffer.from('plain text, not an archive'))).toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: 'the upload is neither a zip nor a gzipped tar archive',
    });
    const bytes = await zip(await folderEntries());
    expect(await refusal(bytes.subarray(0, bytes.length - 30))).toMatchObject({ code: 'INVALID_ARCHIVE' });
    const tar = await tarGz(await folderEntries());
    expect(await refusal(tar.subarray(0, tar.length - 40))).toMatchObject({ code: 'INVALID_ARCHIVE' });
    expect(await refusal(Buffer.alloc(0))).toMatchObject({
      code: 'INVALID_ARCHIVE',
      message: 'the upload is empty',
    });
  });
});

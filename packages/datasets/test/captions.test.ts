import { datasetImportOptionsSchema } from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';
import { loadStoredDataset, openDatasetStore } from '../src/index.js';
import { leftovers, png, streamOf, tempDirsPerTest, writeFiles, zip } from './helpers/fixtures.js';

const options = (extra: Record<string, unknown> = {}) =>
  datasetImportOptionsSchema.parse({ format: 'captions', maxSide: 64, ...extra });

let root: string;
let source: string;
tempDirsPerTest((dirs) => {
  ({ root, source } = dirs);
});

interface CaptionedImage {
  file: string;
  captions: string[];
  split?: string;
  width?: number;
}

/** A COCO captions document of 32x16 images (unless `width` says otherwise), ids from 1, captions in order. */
function captionsJson(images: CaptionedImage[]): string {
  return JSON.stringify({
    images: images.map(({ file, split, width }, i) => ({
      id: i + 1,
      file_name: file,
      width: width ?? 32,
      height: 16,
      ...(split === undefined ? {} : { split }),
    })),
    annotations: images.flatMap(({ captions }, i) =>
      captions.map((caption) => ({ image_id: i + 1, caption })),
    ),
  });
}

const SHAPES: CaptionedImage[] = [
  { file: '1.png', captions: ['red ball', 'a red ball'] },
  { file: '2.png', captions: ['blue ball'] },
  { file: '3.png', captions: [' red  cube\n'] },
  { file: '4.png', captions: ['blue cube on red ball'] },
  { file: '5.png', captions: ['green cube'] },
  { file: '6.png', captions: ['green ball', 'ball'] },
];

/** One distinct grey PNG per image, under `images/`. */
async function imageFiles(images: CaptionedImage[], prefix = 'images/'): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const [i, { file }] of images.entries()) files[`${prefix}${file}`] = await png(32, 16, 20 + 30 * i);
  return files;
}

const total = (perClass: number[][]) => perClass[0]!.map((_, k) => perClass.reduce((s, p) => s + p[k]!, 0));

describe('captions import', () => {
  it('stores each image with its captions, the vocabulary as labels and word counts per split, split by length', async () => {
    await writeFiles(source, {
      'annotations/captions.json': captionsJson(SHAPES),
      ...(await imageFiles(SHAPES)),
    });
    const store = openDatasetStore(root);
    const manifest = await store.import(
      'shapes',
      { kind: 'directory', path: source },
      options({ validation: 0, test: 0.2 }),
    );
    expect(manifest).toMatchObject({
      format: 'captions',
      tasks: ['caption'],
      labels: ['a', 'ball', 'blue', 'cube', 'green', 'on', 'red'],
      captions: { count: 8, words: { min: 1, max: 5 } },
      splitMethod: { source: 'stratified' },
      rejected: { count: 0 },
    });
    // Stratified by the training caption's length: one of the five two-word images is held out.
    expect([manifest.splits.train.count, manifest.splits.test.count]).toEqual([5, 1]);
    const { train, validation, test } = manifest.splits;
    expect(total([train.perClass, validation.perClass, test.perClass])).toEqual([1, 6, 2, 3, 2, 1, 4]);
    expect(manifest.files.captions?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.list()).toEqual([
      expect.objectContaining({ name: 'shapes', format: 'captions', tasks: ['caption'], versions: [1] }),
    ]);

    const stored = loadStoredDataset(root, 'shapes', 1);
    expect(stored.captions?.slice(0, 3)).toEqual([['red ball', 'a red ball'], ['blue ball'], ['red cube']]);
    expect(Array.from({ length: 6 }, (_, i) => stored.records[i * 5 + 3])).toEqual([2, 2, 2, 5, 2, 2]);
    expect(stored.objects).toBeNull();
  });

  it("keeps each image's own split field (restval trains), drawing a missing validation from train", async () => {
    const splits = ['train', 'restval', 'train', 'train', 'test', 'train'];
    const images = SHAPES.map((image, i) => ({ ...image, split: splits[i]! }));
    await writeFiles(source, { 'captions.json': captionsJson(images), ...(await imageFiles(images, '')) });
    const manifest = await openDatasetStore(root).import(
      'own',
      { kind: 'directory', path: source },
      options({ validation: 0.25 }),
    );
    expect(manifest.splitMethod.source).toBe('format');
    expect(
      [manifest.splits.train, manifest.splits.validation, manifest.splits.test].map((s) => s.count),
    ).toEqual([4, 1, 1]);
  });

  it('reads one document per split by name from a zip, images beside them', async () => {
    const [first, second] = [SHAPES.slice(0, 4), SHAPES.slice(4)];
    const entries = {
      'set/captions_train.json': captionsJson(first),
      'set/captions_val.json': captionsJson(second),
      ...(await imageFiles(SHAPES, 'set/')),
    };
    const archive = await zip(
      Object.entries(entries).map(([name, data]) => ({ name, data: Buffer.from(data) })),
    );
    const manifest = await openDatasetStore(root).import(
      'zipped',
      { kind: 'archive', stream: streamOf(archive) },
      options({ test: 0.25 }),
    );
    expect(manifest.splitMethod.source).toBe('format');
    expect(
      [manifest.splits.train, manifest.splits.validation, manifest.splits.test].map((s) => s.count),
    ).toEqual([3, 2, 1]);
    expect(manifest.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists each unusable caption with its path, and images missing, climbing, mis-sized or left captionless', async () => {
    const long = Array.from({ length: 65 }, () => 'dot').join(' ');
    const images: CaptionedImage[] = [
      { file: 'ok.png', captions: ['a dot'] },
      { file: 'missing.png', captions: ['a dot'] },
      { file: 'mixed.png', captions: ['a dot', 'a <end> dot'] },
      { file: 'long.png', captions: [long] },
      { file: 'silent.png', captions: [] },
      { file: '../../etc/passwd', captions: ['a dot'] },
      { file: 'wrong.png', captions: ['a dot'], width: 40 },
    ];
    await writeFiles(source, {
      'captions.json': captionsJson(images),
      'notes.json': '{"hello": 1}',
      'ok.png': await png(32, 16, 1),
      'mixed.png': await png(32, 16, 2),
      'long.png': await png(32, 16, 3),
      'silent.png': await png(32, 16, 4),
      'wrong.png': await png(32, 16, 5),
    });
    const manifest = await openDatasetStore(root).import(
      'loose',
      { kind: 'directory', path: source },
      options(),
    );
    expect(manifest.images.count).toBe(2);
    expect(manifest.labels).toEqual(['a', 'dot']);
    expect(manifest.rejected.files).toEqual([
      {
        file: 'notes.json',
        reason: 'not a COCO captions document (images, annotations with captions, no categories)',
      },
      { file: 'missing.png', reason: 'no such image file in the upload' },
      {
        file: 'mixed.png',
        reason: 'caption annotations[3] of captions.json uses <end>, a token the captioner reserves',
      },
      {
        file: 'long.png',
        reason:
          "caption annotations[4] of captions.json has 65 words, over the limit of 64 (the captioner's largest maxLength)",
      },
      { file: 'long.png', reason: 'none of its captions is usable' },
      { file: 'silent.png', reason: 'no caption names this image' },
      { file: '../../etc/passwd', reason: 'its file_name is absolute or climbs out of the upload' },
      { file: 'wrong.png', reason: 'the image is 32x16, its annotation says 40x16' },
    ]);
    expect(loadStoredDataset(root, 'loose', 1).captions).toEqual([['a dot'], ['a dot']]);
  });

  it('fails a strict import on the first unusable caption, leaving nothing behind', async () => {
    const images = [{ file: 'a.png', captions: ['a <pad>'] }];
    await writeFiles(source, { 'captions.json': captionsJson(images), 'a.png': await png(32, 16, 1) });
    await expect(
      openDatasetStore(root).import('strict', { kind: 'directory', path: source }, options({ strict: true })),
    ).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message:
        'a file was rejected and the import is strict: caption annotations[0] of captions.json uses <pad>, a token the captioner reserves',
    });
    expect(await leftovers(root)).toEqual([]);
  });

  it('refuses a document of the wrong shape, naming each path, and an upload without one', async () => {
    const document = () => JSON.parse(captionsJson(SHAPES.slice(0, 2)));
    const broken = document();
    broken.annotations[1].caption = 7;
    delete broken.images[1].file_name;
    const lost = document();
    lost.annotations[2].image_id = 99;
    const store = openDatasetStore(root);
    const cases: [unknown, RegExp][] = [
      [
        broken,
        /^a COCO document does not hold together: images\[1\]\.file_name: .*; annotations\[1\]\.caption: /,
      ],
      [lost, /^a COCO document does not hold together: annotations\[2\]\.image_id: no image has id 99$/],
    ];
    await writeFiles(source, await imageFiles(SHAPES.slice(0, 2), ''));
    for (const [json, message] of cases) {
      await writeFiles(source, { 'captions.json': JSON.stringify(json) });
      await expect(
        store.import('broken', { kind: 'directory', path: source }, options()),
      ).rejects.toMatchObject({ code: 'INVALID_DATASET', message: expect.stringMatching(message) });
    }

    const instances = { images: [], annotations: [], categories: [{ id: 1, name: 'dot' }] };
    await writeFiles(source, { 'captions.json': JSON.stringify(instances) });
    await expect(store.import('none', { kind: 'directory', path: source }, options())).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message: expect.stringMatching(/^no COCO captions JSON/),
    });
    expect(await leftovers(root)).toEqual([]);
  });

  it('refuses captions whose vocabulary is over 10000 words', async () => {
    const captions = Array.from({ length: 201 }, (_, c) =>
      Array.from({ length: 50 }, (_, w) => `w${c * 50 + w}`).join(' '),
    );
    await writeFiles(source, {
      'captions.json': captionsJson([{ file: 'a.png', captions }]),
      'a.png': await png(32, 16, 1),
    });
    await expect(
      openDatasetStore(root).import('wordy', { kind: 'directory', path: source }, options()),
    ).rejects.toMatchObject({
      code: 'INVALID_DATASET',
      message: 'the captions hold over 10000 distinct words (the vocabulary limit)',
    });
  });
});

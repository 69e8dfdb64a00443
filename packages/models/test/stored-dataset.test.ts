import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetImportOptionsSchema, defaultJobSpecSchema } from '@ocellus/contracts';
import { datasetStoreRoot, openDatasetStore } from '@ocellus/datasets';
import { prepareData, runTrainingJob } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { Rng } from '@ocellus/tensor';
import { greyImage } from '@ocellus/vision/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;

function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, data]);
}

/** 16x16 images in `bands` vertical bands, label k lit in band k, with noise. */
function banded(count: number, bands: number, rng: Rng): { images: Buffer; labels: Buffer } {
  const pixels = new Uint8Array(count * 256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % bands;
    for (let p = 0; p < 256; p++) {
      const lit = Math.floor(((p % 16) * bands) / 16) === labels[i];
      pixels[i * 256 + p] = Math.round((lit ? 150 : 40) + rng.uniform() * 60);
    }
  }
  return { images: idx([count, 16, 16], pixels), labels: idx([count], labels) };
}

/** A stored dataset of 200 train-* and 60 t10k-* banded images, a quarter of train held out. */
async function importBands(name: string, names: string[]): Promise<void> {
  const source = join(root, `upload-${name}`);
  const rng = new Rng(names.length);
  const train = banded(200, names.length, rng);
  const test = banded(60, names.length, rng);
  await mkdir(source);
  await writeFile(join(source, 'train-images-idx3-ubyte'), train.images);
  await writeFile(join(source, 'train-labels-idx1-ubyte'), train.labels);
  await writeFile(join(source, 't10k-images-idx3-ubyte'), test.images);
  await writeFile(join(source, 't10k-labels-idx1-ubyte'), test.labels);
  await writeFile(join(source, 'labels.txt'), names.join('\n'));
  await openDatasetStore(datasetStoreRoot(join(root, 'registry'))).import(
    name,
    { kind: 'directory', path: source },
    datasetImportOptionsSchema.parse({ format: 'idx', validation: 0.25 }),
  );
}

/** Six 64x32 COCO images with one box each, alternately of category 5 'dot' and 9 'bar'; one a class in each split. */
async function importCoco(): Promise<void> {
  const source = join(root, 'upload-coco');
  await mkdir(source);
  const ids = [1, 2, 3, 4, 5, 6];
  const images = ids.map((id) => ({ id, file_name: `${id}.png`, width: 64, height: 32 }));
  const annotations = ids.map((id) => ({
    id,
    image_id: id,
    category_id: id % 2 === 1 ? 5 : 9,
    bbox: [8, 4, 16, 8],
    area: 128,
    segmentation: [[8, 4, 24, 4, 24, 12, 8, 12]],
  }));
  const categories = [
    { id: 9, name: 'bar' },
    { id: 5, name: 'dot' },
  ];
  await writeFile(join(source, 'instances.json'), JSON.stringify({ images, annotations, categories }));
  for (const id of ids) await writeFile(join(source, `${id}.png`), await greyImage(64, 32, () => 40 * id));
  await openDatasetStore(datasetStoreRoot(join(root, 'registry'))).import(
    'dots',
    { kind: 'directory', path: source },
    datasetImportOptionsSchema.parse({ format: 'coco', validation: 0.5, test: 0.34 }),
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocellus-stored-'));
  await importBands('halves', ['left', 'right']);
  await importBands('thirds', ['west', 'middle', 'east']);
  await importCoco();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const spec = (dataset: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  defaultJobSpecSchema.parse({
    task: 'classify',
    model: 'halves-softmax',
    architecture: { type: 'linear', loss: 'softmax' },
    dataset: { name: 'halves', version: 1, ...dataset },
    optimizer: { type: 'sgd', lr: 0.1 },
    schedule: { epochs: 5, batchSize: 25 },
    ...overrides,
  });

describe('a stored dataset as a job dataset', () => {
  it('keeps the stored splits, with caps drawn per class, in the spec size and channels', () => {
    const datasetsRoot = datasetStoreRoot(join(root, 'registry'));
    const whole = prepareData(spec({}), { datasetsRoot });
    expect(whole.data.labels).toEqual(['left', 'right']);
    expect([whole.data.train.length, whole.data.validation.length, whole.test.length]).toEqual([150, 50, 60]);
    expect(whole.data.set).toMatchObject({ channels: 1, height: 16, width: 16, size: 260 });
    // Pairs are stored in name order: the 60 t10k images come first.
    expect(Array.from(whole.test).every((i) => i < 60)).toBe(true);

    const small = prepareData(spec({ train: 20, test: 10, size: { height: 8, width: 12 }, channels: 3 }), {
      datasetsRoot,
    });
    const trainLabels = Array.from(small.data.train, (i) => small.data.set.labels[i]);
    expect(trainLabels.filter((l) => l === 0)).toHaveLength(10);
    expect(small.test).toHaveLength(10);
    expect(small.data.set).toMatchObject({ channels: 3, height: 8, width: 12 });
    const first = small.data.set.images.subarray(0, 8 * 12);
    expect(small.data.set.images.subarray(8 * 12, 2 * 8 * 12)).toEqual(first);
  });

  it('gives a COCO dataset boxes and masks moved onto the resized images', () => {
    const datasetsRoot = datasetStoreRoot(join(root, 'registry'));
    const resized = { name: 'dots', size: { height: 16, width: 32 } };
    const localize = prepareData(spec(resized, { task: 'localize', architecture: { type: 'localizer' } }), {
      datasetsRoot,
    });
    expect(localize.data.labels).toEqual(['dot', 'bar']);
    expect(localize.data.set).toMatchObject({ channels: 1, height: 16, width: 32, size: 6 });
    const all = Int32Array.of(0, 1);
    expect(localize.data.targets(all)).toEqual([
      { index: 0, box: [4, 2, 12, 6] },
      { index: 1, box: [4, 2, 12, 6] },
    ]);
    const segment = prepareData(spec(resized, { task: 'segment', architecture: { type: 'mask-rcnn' } }), {
      datasetsRoot,
    });
    const [first] = segment.data.targets(Int32Array.of(0)) as { objects: { mask: { size: number[] } }[] }[];
    expect(first?.objects[0]?.mask.size).toEqual([16, 32]);
  });

  it('refuses a version the store does not hold', () => {
    expect(() =>
      prepareData(spec({ version: 2 }), { datasetsRoot: datasetStoreRoot(join(root, 'registry')) }),
    ).toThrow(/dataset halves has no version 2/);
  });

  it('refuses, before training, a version with a split that holds no images', async () => {
    const datasetsRoot = datasetStoreRoot(join(root, 'registry'));
    const source = join(root, 'upload-halves');
    await openDatasetStore(datasetsRoot).import(
      'halves',
      { kind: 'directory', path: source },
      datasetImportOptionsSchema.parse({ format: 'idx', validation: 0 }),
    );
    expect(() => prepareData(spec({ version: 2 }), { datasetsRoot })).toThrow(
      'dataset halves v2 has no validation images (train 200, validation 0, test 60): import it again',
    );
  });

  it('trains a classifier on it through the pipeline, which finds the store beside the registry', async () => {
    const registry = openRegistry(join(root, 'registry'));
    const { manifest, metrics } = await runTrainingJob(spec({}), { registry, jobId: null });
    expect(metrics.testAccuracy).toBeGreaterThan(0.9);
    expect(manifest.labels).toEqual(['left', 'right']);
    expect(manifest.inputSpec).toMatchObject({ channels: 1, height: 16, width: 16, format: 'photo' });
    expect((manifest.extra.spec as { dataset: unknown }).dataset).toMatchObject({
      name: 'halves',
      version: 1,
    });
  });

  it('transfers a model trained on one stored dataset onto the labels of another', async () => {
    const registry = openRegistry(join(root, 'registry'));
    const mlp = { type: 'mlp', hidden: [32] };
    await runTrainingJob(spec({}, { model: 'halves-mlp', architecture: mlp }), { registry, jobId: null });
    const { manifest, metrics } = await runTrainingJob(
      spec(
        { name: 'thirds' },
        { model: 'thirds-mlp', architecture: mlp, transferFrom: { model: 'halves-mlp' } },
      ),
      { registry, jobId: null },
    );
    expect(manifest.labels).toEqual(['west', 'middle', 'east']);
    expect(manifest.extra.transferFrom).toMatchObject({ model: 'halves-mlp', version: 1 });
    expect(metrics.testAccuracy).toBeGreaterThan(0.9);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetImportOptionsSchema, defaultJobSpecSchema } from '@ocellus/contracts';
import { datasetStoreRoot, openDatasetStore } from '@ocellus/datasets';
import { prepareData, runTrainingJob, type TrainingData } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { greyImage } from '@ocellus/vision/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
const registryRoot = () => join(root, 'registry');

/**
 * Eight 16x16 images, a bright left or right half on a dark or light ground, captioned by what they show
 * (a second caption on the first); images 0-3 train, 4-5 validate, 6-7 test, by their `split` field.
 */
async function importHalves(): Promise<void> {
  const source = join(root, 'upload');
  await mkdir(join(source, 'images'), { recursive: true });
  const splits = ['train', 'train', 'train', 'train', 'val', 'val', 'test', 'test'];
  const images = splits.map((split, i) => ({
    id: i + 1,
    file_name: `${i}.png`,
    width: 16,
    height: 16,
    split,
  }));
  const side = (i: number) => (i % 2 === 0 ? 'left' : 'right');
  const ground = (i: number) => (i % 4 < 2 ? 'dark' : 'light');
  const annotations = splits.map((_, i) => ({ image_id: i + 1, caption: `${side(i)} on ${ground(i)}` }));
  annotations.push({ image_id: 1, caption: 'bright left half' });
  await writeFile(join(source, 'captions.json'), JSON.stringify({ images, annotations }));
  for (const [i] of splits.entries()) {
    const lit = (x: number) => x < 8 === (side(i) === 'left');
    const image = await greyImage(16, 16, (x) => (lit(x) ? 230 : ground(i) === 'dark' ? 20 + i : 110 + i));
    await writeFile(join(source, 'images', `${i}.png`), image);
  }
  await openDatasetStore(datasetStoreRoot(registryRoot())).import(
    'halves',
    { kind: 'directory', path: source },
    datasetImportOptionsSchema.parse({ format: 'captions' }),
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocellus-stored-captions-'));
  await importHalves();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const spec = (architecture: Record<string, unknown> = {}) =>
  defaultJobSpecSchema.parse({
    task: 'caption',
    model: 'halves-captioner',
    architecture: {
      type: 'captioner',
      layers: [{ filters: 4, kernel: 3, pool: 2 }],
      wordvecDim: 8,
      hiddenDim: 8,
      maxLength: 4,
      ...architecture,
    },
    dataset: { name: 'halves', version: 1 },
    optimizer: { type: 'adam', lr: 0.01 },
    schedule: { epochs: 2, batchSize: 4 },
  });

/** The stored vocabulary in code-point order, then the captioner's special tokens. */
const LABELS = ['bright', 'dark', 'half', 'left', 'light', 'on', 'right', '<start>', '<end>', '<pad>'];

describe('a stored captions dataset as a job dataset', () => {
  it('gives the vocabulary then the special tokens as labels, the first caption as tokens, all as references', () => {
    const { data, test } = prepareData(spec(), { datasetsRoot: datasetStoreRoot(registryRoot()) });
    expect(data.labels).toEqual(LABELS);
    expect([data.train.length, data.validation.length, test.length]).toEqual([4, 2, 2]);
    expect(data.set).toMatchObject({ channels: 1, height: 16, width: 16, size: 8 });
    const [first, fourth] = (data as TrainingData<'caption'>).targets(Int32Array.of(0, 3));
    expect(Array.from(first!.tokens)).toEqual([3, 5, 1]);
    expect(first!.references?.map((r) => Array.from(r))).toEqual([
      [3, 5, 1],
      [0, 3, 2],
    ]);
    expect(Array.from(fourth!.tokens)).toEqual([6, 5, 4]);
  });

  it('refuses a spec whose maxLength is shorter than a training caption, naming it', () => {
    expect(() =>
      prepareData(spec({ maxLength: 2 }), { datasetsRoot: datasetStoreRoot(registryRoot()) }),
    ).toThrow('dataset halves v1 trains on a caption of 3 words, over architecture.maxLength = 2');
  });

  it('trains a captioner on it through the pipeline and publishes it with the vocabulary as labels', async () => {
    const registry = openRegistry(registryRoot());
    const steps: number[] = [];
    const { manifest, metrics } = await runTrainingJob(spec(), {
      registry,
      jobId: null,
      onProgress: (progress) => steps.push(progress.step),
    });
    expect(steps.length).toBeGreaterThan(0);
    expect(manifest).toMatchObject({ name: 'halves-captioner', version: 1, task: 'caption' });
    expect(manifest.labels).toEqual(LABELS);
    expect(manifest.inputSpec).toMatchObject({ channels: 1, height: 16, width: 16, format: 'photo' });
    expect(manifest.metrics).toEqual(metrics);
    const loaded = await registry.load('halves-captioner', 1);
    expect(loaded.manifest.labels).toEqual(manifest.labels);
    expect(Object.keys(loaded.tensors).length).toBeGreaterThan(0);
  });
});

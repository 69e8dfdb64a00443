import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { greyImage } from '@ocellus/vision/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocellus, tempDir, writeJson } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };

function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, data]);
}

/** `count` 12x12 images: label 0 lit in the top half, label 1 in the bottom half, in a seeded noise. */
function halves(count: number, seed: number): { images: Buffer; labels: Buffer } {
  const pixels = new Uint8Array(count * 144);
  const labels = new Uint8Array(count);
  let state = seed;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % 50;
  };
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 144; p++) pixels[i * 144 + p] = (p < 72 === (labels[i] === 0) ? 180 : 30) + noise();
  }
  return { images: idx([count, 12, 12], pixels), labels: idx([count], labels) };
}

beforeAll(async () => {
  dir = await tempDir('ocellus-cli-datasets-');
  const upload = join(dir.path, 'upload');
  await mkdir(upload);
  const train = halves(120, 1);
  const test = halves(40, 2);
  await writeFile(join(upload, 'train-images-idx3-ubyte'), train.images);
  await writeFile(join(upload, 'train-labels-idx1-ubyte'), train.labels);
  await writeFile(join(upload, 't10k-images-idx3-ubyte'), test.images);
  await writeFile(join(upload, 't10k-labels-idx1-ubyte'), test.labels);
  await writeFile(join(dir.path, 'names.txt'), 'top\nbottom\n');
});
afterAll(() => dir.remove());

describe('ocellus datasets', () => {
  it('imports an IDX folder with label names, lists it, and trains a model on it', async () => {
    const registry = join(dir.path, 'registry');
    const imported = await ocellus(
      [
        'datasets',
        'import',
        'upload',
        '--name',
        'halves',
        '--format',
        'idx',
        '--labels',
        'names.txt',
        '--registry',
        registry,
      ],
      { cwd: dir.path },
    );
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toContain(
      'imported halves v1 (idx): 160 images (160 grey, 0 RGB), 2 labels: top, bottom',
    );
    expect(imported.stdout).toContain('splits (format): train 108, validation 12, test 40');

    const listed = await ocellus(['datasets', 'list', '--registry', registry]);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[2]).toMatch(/^halves\s+1\s+idx\s+160\s+2\s+108\/12\/40\s+0\s+23 kB/);

    const spec = await writeJson(dir.path, 'spec.json', {
      task: 'classify',
      model: 'halves-softmax',
      architecture: { type: 'linear', loss: 'softmax' },
      dataset: { name: 'halves', version: 1 },
      optimizer: { type: 'sgd', lr: 0.1 },
      schedule: { epochs: 4, batchSize: 12 },
    });
    const trained = await ocellus(['train', spec, '--registry', registry]);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const models = await ocellus(['models', '--registry', registry]);
    expect(models.stdout).toMatch(/halves-softmax\s+1\s+-\s+classify\s+linear\s+(9\d|100)\.\d\d%/);

    const scored = await ocellus(['eval', 'halves-softmax', '--registry', registry]);
    expect(scored).toMatchObject({ code: 0, stderr: '' });
    expect(scored.stdout).toContain('halves-softmax version 1 (linear) on 40 halves test-split images');
    expect(scored.stdout).toMatch(/manifest records (9\d|100)\.\d\d% \(reproduced\)/);
  });

  it('imports COCO captions with their images, listing a rejected caption, and trains a captioner on it', async () => {
    const registry = join(dir.path, 'registry-captions');
    const upload = join(dir.path, 'captions');
    await mkdir(upload);
    const splits = ['train', 'train', 'train', 'val', 'test', 'test'];
    const word = (i: number) => (i % 2 === 0 ? 'light' : 'dark');
    const images = splits.map((split, i) => ({ id: i, file_name: `${i}.png`, split }));
    const annotations = splits.map((_, i) => ({ image_id: i, caption: word(i) }));
    annotations.splice(1, 0, { image_id: 0, caption: 'light <end>' });
    await writeJson(upload, 'captions.json', { images, annotations });
    for (const [i] of splits.entries())
      await writeFile(join(upload, `${i}.png`), await greyImage(12, 12, () => (i % 2 === 0 ? 220 : 30)));

    const imported = await ocellus(
      ['datasets', 'import', 'captions', '--name', 'glyphs', '--format', 'captions', '--registry', registry],
      { cwd: dir.path },
    );
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toContain(
      'imported glyphs v1 (captions): 6 images (6 grey, 0 RGB), 6 captions of 1-1 words, 2 words in the vocabulary',
    );
    expect(imported.stdout).toContain(
      'rejected 1\n    0.png: caption annotations[1] of captions.json uses <end>, a token the captioner reserves',
    );
    const listed = await ocellus(['datasets', 'list', '--registry', registry]);
    expect(listed.stdout.split('\n')[2]).toMatch(/^glyphs\s+1\s+captions\s+6\s+2\s+3\/1\/2\s+1\s/);

    const spec = await writeJson(dir.path, 'caption-spec.json', {
      task: 'caption',
      model: 'glyphs-captioner',
      architecture: {
        type: 'captioner',
        layers: [{ filters: 4, kernel: 3, pool: 2 }],
        wordvecDim: 8,
        hiddenDim: 8,
        maxLength: 2,
      },
      dataset: { name: 'glyphs', version: 1 },
      schedule: { epochs: 2, batchSize: 3 },
    });
    const trained = await ocellus(['train', spec, '--registry', registry]);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const models = await ocellus(['models', '--registry', registry]);
    expect(models.stdout).toMatch(/glyphs-captioner\s+1\s+-\s+caption\s+captioner/);
  });

  it('answers usage errors with exit code 2: no name, an unknown format, a built-in name', async () => {
    const registry = join(dir.path, 'registry-usage');
    const cases: [string[], RegExp][] = [
      [['datasets', 'import', 'upload', '--format', 'idx'], /usage: ocellus datasets import/],
      [['datasets', 'import', 'upload', '--name', 'x', '--format', 'coco-ish'], /^ocellus: --format: /],
      [
        ['datasets', 'import', 'upload', '--name', 'mnist', '--format', 'idx'],
        /dataset name is 1-64 characters/,
      ],
      [['datasets', 'remove'], /usage: ocellus datasets import/],
    ];
    for (const [argv, message] of cases) {
      const result = await ocellus([...argv, '--registry', registry], { cwd: dir.path });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect((await ocellus(['datasets', 'list', '--registry', registry])).stdout).toMatch(/^no datasets in /);
  });
});

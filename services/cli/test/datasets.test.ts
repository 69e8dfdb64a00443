import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

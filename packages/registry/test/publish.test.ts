import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openRegistry, RegistryError } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleInput, sampleTensors, tempRegistryRoot, tensorValues } from './helpers/fixtures.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await tempRegistryRoot());
});
afterEach(() => cleanup());

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => expect.fail('expected a RegistryError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('publish and load', () => {
  it('writes model.safetensors and manifest.json under <root>/<model>/<version>', async () => {
    const registry = openRegistry(root);
    const before = Date.now();
    const manifest = await registry.publish('digits-cnn', sampleInput(1, 'job-a'));
    const dir = join(root, 'digits-cnn', '1');
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'model.safetensors']);
    const weights = await readFile(join(dir, 'model.safetensors'));
    expect(manifest).toMatchObject({
      formatVersion: 1,
      name: 'digits-cnn',
      version: 1,
      task: 'classify',
      trainingJobId: 'job-a',
      labels: ['0', '1'],
      weights: { file: 'model.safetensors', bytes: weights.length },
    });
    expect(manifest.weights.sha256).toBe(createHash('sha256').update(weights).digest('hex'));
    expect(Date.parse(manifest.created)).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(registry.weightsPath('digits-cnn', 1)).toBe(join(root, 'digits-cnn', '1', 'model.safetensors'));
  });

  it('loads back the published tensors and manifest', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    await registry.publish('m', sampleInput(2));
    const { manifest, tensors } = await registry.load('m', 2);
    expect(manifest.version).toBe(2);
    expect(manifest.metrics).toEqual({ accuracy: 0.52 });
    expect(tensorValues(tensors)).toEqual(tensorValues(sampleTensors(2)));
    expect(await registry.manifest('m', 2)).toEqual(manifest);
  });

  it('gives distinct consecutive versions to concurrent publishes, each with its own weights', async () => {
    const registry = openRegistry(root);
    const manifests = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((seed) => registry.publish('race', sampleInput(seed))),
    );
    expect(manifests.map((m) => m.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [i, m] of manifests.entries()) {
      const { tensors } = await registry.load('race', m.version);
      expect(tensorValues(tensors)).toEqual(tensorValues(sampleTensors(i + 1)));
    }
    expect((await readdir(join(root, 'race'))).filter((e) => e.startsWith('.'))).toEqual([]);
  });

  it('refuses inputs that would not survive as JSON', async () => {
    const registry = openRegistry(root);
    const error = await rejection(
      registry.publish('m', { ...sampleInput(1), metrics: { loss: Number.NaN } }),
    );
    expect(error.message).toMatch(/metrics/);
    expect(await registry.listModels()).toEqual([]);
  });
});

describe('trainingJobId idempotency', () => {
  it('returns the existing version for a job id already published and writes nothing', async () => {
    const registry = openRegistry(root);
    const first = await registry.publish('m', sampleInput(1, 'job-7'));
    const entries = await readdir(join(root, 'm'));
    const again = await registry.publish('m', sampleInput(2, 'job-7'));
    expect(again).toEqual(first);
    expect(await readdir(join(root, 'm'))).toEqual(entries);
    expect(tensorValues((await registry.load('m', 1)).tensors)).toEqual(tensorValues(sampleTensors(1)));
    expect((await registry.publish('m', sampleInput(3, 'job-8'))).version).toBe(2);
  });

  it('lets only one version survive when publishes of one job race', async () => {
    const registry = openRegistry(root);
    const manifests = await Promise.all(
      [1, 2, 3, 4].map((seed) => registry.publish('m', sampleInput(seed, 'job-x'))),
    );
    const versions = new Set(manifests.map((m) => m.version));
    expect(versions.size).toBe(1);
    expect((await registry.describe('m')).versions).toEqual([...versions]);
    expect((await registry.publish('m', sampleInput(9))).version).toBeGreaterThan(4);
  });
});

describe('verification on load', () => {
  it('refuses a corrupted weight file with CHECKSUM_MISMATCH while the previous version keeps loading', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    await registry.publish('m', sampleInput(2));
    const path = registry.weightsPath('m', 2);
    const bytes = await readFile(path);
    bytes[bytes.length - 1]! ^= 0x01;
    await writeFile(path, bytes);
    const error = await rejection(registry.load('m', 2));
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain(path);
    expect(tensorValues((await registry.load('m', 1)).tensors)).toEqual(tensorValues(sampleTensors(1)));
  });

  it('refuses a truncated weight file', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    const path = registry.weightsPath('m', 1);
    await writeFile(path, (await readFile(path)).subarray(0, 40));
    expect((await rejection(registry.load('m', 1))).code).toBe('CHECKSUM_MISMATCH');
  });

  it('reports a version folder without manifest as absent, and an invalid manifest as CORRUPT', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    await registry.publish('m', sampleInput(2));
    await registry.publish('m', sampleInput(3));
    await rm(join(root, 'm', '2', 'manifest.json'));
    await writeFile(join(root, 'm', '3', 'manifest.json'), '{"formatVersion": 1, "name": "m"');
    expect((await rejection(registry.load('m', 2))).code).toBe('NOT_FOUND');
    expect((await rejection(registry.manifest('m', 3))).code).toBe('CORRUPT');
    const manifest1 = JSON.parse(await readFile(join(root, 'm', '1', 'manifest.json'), 'utf8'));
    await writeFile(
      join(root, 'm', '3', 'manifest.json'),
      JSON.stringify({ ...manifest1, version: 3, labels: 'x' }),
    );
    expect((await rejection(registry.load('m', 3))).message).toMatch(
      /invalid: labels: Invalid input: expected array/,
    );
    await writeFile(join(root, 'm', '3', 'manifest.json'), JSON.stringify(manifest1));
    expect((await rejection(registry.load('m', 3))).message).toMatch(/names m v1/);
    expect((await registry.describe('m')).versions).toEqual([1]);
  });

  it('refuses weights that match their checksum but are not valid safetensors', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    const garbage = Buffer.from('not a safetensors file at all');
    await writeFile(registry.weightsPath('m', 1), garbage);
    const manifestPath = join(root, 'm', '1', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.weights.sha256 = createHash('sha256').update(garbage).digest('hex');
    manifest.weights.bytes = garbage.length;
    await writeFile(manifestPath, JSON.stringify(manifest));
    expect((await rejection(registry.load('m', 1))).code).toBe('CORRUPT');
  });

  it('answers NOT_FOUND for unknown models and versions', async () => {
    const registry = openRegistry(root);
    expect((await rejection(registry.describe('nope'))).code).toBe('NOT_FOUND');
    expect((await rejection(registry.manifest('nope', 1))).code).toBe('NOT_FOUND');
    await registry.publish('m', sampleInput(1));
    expect((await rejection(registry.load('m', 2))).code).toBe('NOT_FOUND');
    expect((await rejection(registry.resolve('m', { version: 5 }))).code).toBe('NOT_FOUND');
  });
});

describe('listing', () => {
  it('summarises models by their newest version and lists versions ascending', async () => {
    const registry = openRegistry(root);
    expect(await registry.listModels()).toEqual([]);
    await registry.publish('b-model', sampleInput(1));
    await registry.publish('a-model', sampleInput(1));
    await registry.publish('a-model', { ...sampleInput(2), task: 'detect', architecture: { type: 'rcnn' } });
    const models = await registry.listModels();
    expect(models).toEqual([
      { name: 'a-model', task: 'detect', architecture: { type: 'rcnn' }, versions: [1, 2], aliases: {} },
      {
        name: 'b-model',
        task: 'classify',
        architecture: sampleInput(1).architecture,
        versions: [1],
        aliases: {},
      },
    ]);
    const described = await registry.describe('a-model');
    expect(described.manifests.map((m) => [m.version, m.task])).toEqual([
      [1, 'classify'],
      [2, 'detect'],
    ]);
    expect(await registry.resolve('a-model', {})).toBe(2);
  });
});

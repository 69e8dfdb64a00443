import { mkdir, readdir, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openRegistry } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleInput, sampleTensors, tempRegistryRoot, tensorValues } from './helpers/fixtures.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await tempRegistryRoot());
});
afterEach(() => cleanup());

async function leftover(name: string, ageMs: number): Promise<string> {
  const dir = join(root, 'm', name);
  await mkdir(dir);
  await writeFile(join(dir, 'model.safetensors'), 'partial');
  const when = new Date(Date.now() - ageMs);
  await utimes(join(dir, 'model.safetensors'), when, when);
  await utimes(dir, when, when);
  return dir;
}

describe('sweep', () => {
  it('removes stale temp folders and never touches live versions or fresh temps', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    await leftover('.tmp-1-stale', 60 * 60_000);
    await leftover('.tmp-2-fresh', 1000);
    const old = new Date(Date.now() - 60 * 60_000);
    await utimes(join(root, 'm', '1'), old, old);
    expect(await registry.sweep()).toBe(1);
    expect((await readdir(join(root, 'm'))).sort()).toEqual(['.tmp-2-fresh', '1']);
    expect(tensorValues((await registry.load('m', 1)).tensors)).toEqual(tensorValues(sampleTensors(1)));
  });

  it('keeps a temp folder whose files are still being written even if the folder is old', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    const dir = await leftover('.tmp-3-slow', 60 * 60_000);
    await writeFile(join(dir, 'model.safetensors'), 'still growing');
    expect(await registry.sweep()).toBe(0);
  });

  it('frees the weights of a delete interrupted after hiding the manifest', async () => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    await registry.publish('m', sampleInput(2));
    await rename(join(root, 'm', '2', 'manifest.json'), join(root, 'm', '2', '.deleted'));
    expect(await registry.sweep()).toBe(1);
    expect(await readdir(join(root, 'm', '2'))).toEqual(['.deleted']);
    expect((await registry.describe('m')).versions).toEqual([1]);
  });

  it('runs before a publish, with the configured age', async () => {
    const registry = openRegistry(root, { staleTempMs: 5 * 60_000 });
    await registry.publish('m', sampleInput(1));
    await leftover('.tmp-4-crashed', 6 * 60_000);
    await registry.publish('m', sampleInput(2));
    expect((await readdir(join(root, 'm'))).sort()).toEqual(['1', '2']);
  });
});

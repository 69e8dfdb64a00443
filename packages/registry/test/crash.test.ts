import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openRegistry, PUBLISH_STEPS, type PublishStep, RegistryError } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChild, sampleInput, sampleTensors, tempRegistryRoot, tensorValues } from './helpers/fixtures.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await tempRegistryRoot());
});
afterEach(() => cleanup());

const BEFORE_CLAIM = PUBLISH_STEPS.slice(0, PUBLISH_STEPS.indexOf('claimed'));
const AFTER_CLAIM = PUBLISH_STEPS.slice(PUBLISH_STEPS.indexOf('claimed'));

class InjectedFault extends Error {}

function failAt(target: PublishStep) {
  return (step: PublishStep) => {
    if (step === target) throw new InjectedFault(`fault at ${step}`);
  };
}

async function expectNoVersion(): Promise<void> {
  const registry = openRegistry(root);
  expect(await registry.listModels()).toEqual([]);
  const error = await registry.resolve('m', {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryError);
  expect((error as RegistryError).code).toBe('NOT_FOUND');
}

describe('a publish that fails inside the process', () => {
  it.each(BEFORE_CLAIM)('after %s leaves no version and no temp folder', async (step) => {
    const failing = openRegistry(root, { faults: failAt(step) });
    await expect(failing.publish('m', sampleInput(1))).rejects.toBeInstanceOf(InjectedFault);
    await expectNoVersion();
    expect(await readdir(join(root, 'm'))).toEqual([]);
    expect((await openRegistry(root).publish('m', sampleInput(2))).version).toBe(1);
  });

  it.each(AFTER_CLAIM)('after %s keeps the whole, committed version', async (step) => {
    const failing = openRegistry(root, { faults: failAt(step) });
    await expect(failing.publish('m', sampleInput(1))).rejects.toBeInstanceOf(InjectedFault);
    const registry = openRegistry(root);
    expect(tensorValues((await registry.load('m', 1)).tensors)).toEqual(tensorValues(sampleTensors(1)));
    expect((await registry.publish('m', sampleInput(2))).version).toBe(2);
  });
});

describe('a publishing process killed with SIGKILL', () => {
  it.each(BEFORE_CLAIM)('after %s leaves no visible version, and the next publish works', async (step) => {
    const child = await runChild({ command: 'publish', root, model: 'm', seed: 1, killAt: step });
    expect(child.signal).toBe('SIGKILL');
    await expectNoVersion();
    const leftovers = await readdir(join(root, 'm'));
    expect(leftovers.length).toBe(1);
    expect(leftovers[0]).toMatch(/^\.tmp-/);

    const registry = openRegistry(root, { staleTempMs: 0 });
    const manifest = await registry.publish('m', sampleInput(2));
    expect(manifest.version).toBe(1);
    expect(tensorValues((await registry.load('m', 1)).tensors)).toEqual(tensorValues(sampleTensors(2)));
    expect(await readdir(join(root, 'm'))).toEqual(['1']);
  });

  it.each(AFTER_CLAIM)('after %s leaves a whole version', async (step) => {
    const child = await runChild({ command: 'publish', root, model: 'm', seed: 5, killAt: step });
    expect(child.signal).toBe('SIGKILL');
    const registry = openRegistry(root);
    const { manifest, tensors } = await registry.load('m', 1);
    expect(manifest.version).toBe(1);
    expect(Array.from(tensors['conv1.bias']!.data)).toEqual([5, -5]);
    expect((await registry.publish('m', sampleInput(2))).version).toBe(2);
  });
});

describe('publishes from two processes at once', () => {
  it('get distinct versions', async () => {
    const startAt = Date.now() + 1000;
    const children = await Promise.all([
      runChild({ command: 'publish', root, model: 'shared', seed: 10, count: 4, startAt }),
      runChild({ command: 'publish', root, model: 'shared', seed: 20, count: 4, startAt }),
    ]);
    for (const child of children) expect(child.stderr).toBe('');
    const [a, b] = children.map((c) => JSON.parse(c.stdout) as number[]);
    expect([...a!, ...b!].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const registry = openRegistry(root);
    const biases = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map(
        async (v) => (await registry.load('shared', v)).tensors['conv1.bias']!.data[0],
      ),
    );
    expect(biases.sort((x, y) => x! - y!)).toEqual([10, 11, 12, 13, 20, 21, 22, 23]);
  });

  it('of the same training job agree on one version', async () => {
    const startAt = Date.now() + 1000;
    const children = await Promise.all([
      runChild({ command: 'publish', root, model: 'job', seed: 1, count: 2, jobId: 'job-42', startAt }),
      runChild({ command: 'publish', root, model: 'job', seed: 2, count: 2, jobId: 'job-42', startAt }),
    ]);
    const versions = new Set(children.flatMap((c) => JSON.parse(c.stdout) as number[]));
    expect(versions.size).toBe(1);
    expect((await openRegistry(root).describe('job')).versions).toEqual([...versions]);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openRegistry, RegistryError } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleInput, tempRegistryRoot } from './helpers/fixtures.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await tempRegistryRoot());
});
afterEach(() => cleanup());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return (error as RegistryError).code;
}

/** A published model `m` among files and folders that are not models. */
async function clutteredRoot(onWarning?: (message: string) => void) {
  const registry = openRegistry(root, onWarning ? { onWarning } : {});
  await registry.publish('m', sampleInput(1));
  await writeFile(join(root, 'readme'), 'models live here\n');
  await writeFile(join(root, 'README.md'), '# models\n');
  await writeFile(join(root, '.DS_Store'), Buffer.alloc(16));
  await mkdir(join(root, 'empty'));
  await mkdir(join(root, 'junk', 'x'), { recursive: true });
  await writeFile(join(root, 'junk', 'notes.txt'), 'not a version\n');
  return registry;
}

describe('stray entries in the registry root', () => {
  it('are skipped by listModels, each with one warning', async () => {
    const warnings: string[] = [];
    const registry = await clutteredRoot((message) => warnings.push(message));
    expect((await registry.listModels()).map((m) => m.name)).toEqual(['m']);
    expect((await registry.listModels()).map((m) => m.name)).toEqual(['m']);
    const about = (entry: string) => warnings.filter((w) => w.includes(`"${entry}"`));
    expect(about('readme')).toEqual([expect.stringContaining('not a folder')]);
    expect(about('README.md')).toEqual([expect.stringContaining('not a model name')]);
    expect(about('.DS_Store')).toEqual([expect.stringContaining('not a model name')]);
    expect(about('empty')).toEqual([expect.stringContaining('holds no version')]);
    expect(about('junk')).toEqual([expect.stringContaining('holds no version')]);
    expect(warnings).toHaveLength(5);
  });

  it('are skipped silently without a warning hook', async () => {
    const registry = await clutteredRoot();
    expect((await registry.listModels()).map((m) => m.name)).toEqual(['m']);
  });

  it('answer NOT_FOUND, not ENOTDIR, when a file is asked for as a model', async () => {
    const registry = await clutteredRoot();
    expect(await codeOf(registry.describe('readme'))).toBe('NOT_FOUND');
    expect(await codeOf(registry.resolve('readme', {}))).toBe('NOT_FOUND');
    expect(await codeOf(registry.resolve('readme', { alias: 'production' }))).toBe('NOT_FOUND');
    expect(await codeOf(registry.aliases('readme'))).toBe('NOT_FOUND');
    expect(await codeOf(registry.manifest('readme', 1))).toBe('NOT_FOUND');
    expect(await codeOf(registry.load('readme', 1))).toBe('NOT_FOUND');
    expect(await codeOf(registry.describe('junk'))).toBe('NOT_FOUND');
    expect(await registry.sweep()).toBe(0);
  });

  it('do not include a model whose versions were all deleted, which stays hidden without a warning', async () => {
    const warnings: string[] = [];
    const registry = openRegistry(root, { onWarning: (message) => warnings.push(message) });
    await registry.publish('gone', sampleInput(1));
    await registry.deleteVersion('gone', 1);
    expect(await registry.listModels()).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

import { readdir, readFile, writeFile } from 'node:fs/promises';
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

async function publishVersions(count: number) {
  const registry = openRegistry(root);
  for (let seed = 1; seed <= count; seed += 1) await registry.publish('m', sampleInput(seed));
  return registry;
}

describe('aliases', () => {
  it('sets, moves and resolves an alias, stored in aliases.json', async () => {
    const registry = await publishVersions(2);
    await registry.setAlias('m', 'production', 1);
    await registry.setAlias('m', 'staging', 2);
    expect(await registry.resolve('m', { alias: 'production' })).toBe(1);
    await registry.setAlias('m', 'production', 2);
    expect(await registry.aliases('m')).toEqual({ production: 2, staging: 2 });
    expect(JSON.parse(await readFile(join(root, 'm', 'aliases.json'), 'utf8'))).toEqual({
      production: 2,
      staging: 2,
    });
    expect((await readdir(join(root, 'm'))).sort()).toEqual(['1', '2', 'aliases.json']);
    expect((await registry.describe('m')).aliases).toEqual({ production: 2, staging: 2 });
  });

  it('refuses an alias to a version that does not exist and leaves the aliases unchanged', async () => {
    const registry = await publishVersions(1);
    await registry.setAlias('m', 'production', 1);
    expect(await codeOf(registry.setAlias('m', 'production', 2))).toBe('NOT_FOUND');
    expect(await codeOf(registry.setAlias('other', 'production', 1))).toBe('NOT_FOUND');
    expect(await codeOf(registry.resolve('m', { alias: 'canary' }))).toBe('NOT_FOUND');
    expect(await registry.aliases('m')).toEqual({ production: 1 });
  });

  it('keeps every alias when many are set at once', async () => {
    const registry = await publishVersions(3);
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(names.map((alias, i) => registry.setAlias('m', alias, (i % 3) + 1)));
    expect(await registry.aliases('m')).toEqual({ a: 1, b: 2, c: 3, d: 1, e: 2, f: 3 });
  });

  it('refuses a selector with both a version and an alias', async () => {
    const registry = await publishVersions(1);
    expect(await codeOf(registry.resolve('m', { version: 1, alias: 'production' }))).toBe('INVALID_NAME');
  });

  it('reports a damaged aliases.json as CORRUPT', async () => {
    const registry = await publishVersions(1);
    await writeFile(join(root, 'm', 'aliases.json'), '{"production": "../1"}');
    expect(await codeOf(registry.aliases('m'))).toBe('CORRUPT');
  });
});

describe('deleteVersion', () => {
  it('is refused with CONFLICT while an alias points at the version', async () => {
    const registry = await publishVersions(2);
    await registry.setAlias('m', 'production', 1);
    const error = await registry.deleteVersion('m', 1).catch((e: RegistryError) => e);
    expect((error as RegistryError).code).toBe('CONFLICT');
    expect((error as RegistryError).message).toContain('production');
    expect((await registry.load('m', 1)).manifest.version).toBe(1);

    await registry.setAlias('m', 'production', 2);
    await registry.deleteVersion('m', 1);
    expect((await registry.describe('m')).versions).toEqual([2]);
    expect(await codeOf(registry.load('m', 1))).toBe('NOT_FOUND');
    expect(await codeOf(registry.setAlias('m', 'old', 1))).toBe('NOT_FOUND');
    expect(await codeOf(registry.deleteVersion('m', 1))).toBe('NOT_FOUND');
  });

  it('never hands a deleted version number out again', async () => {
    const registry = await publishVersions(2);
    await registry.deleteVersion('m', 2);
    expect((await registry.describe('m')).versions).toEqual([1]);
    expect(await registry.resolve('m', {})).toBe(1);
    expect((await registry.publish('m', sampleInput(3))).version).toBe(3);
    expect(await readdir(join(root, 'm', '2'))).toEqual(['.deleted']);
  });

  it('hides a model once its last version is deleted', async () => {
    const registry = await publishVersions(1);
    await registry.deleteVersion('m', 1);
    expect(await registry.listModels()).toEqual([]);
    expect(await codeOf(registry.describe('m'))).toBe('NOT_FOUND');
  });
});

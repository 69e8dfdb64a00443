import { mkdir, readdir } from 'node:fs/promises';
import { isAliasName, isModelName, openRegistry, RegistryError } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleInput, tempRegistryRoot } from './helpers/fixtures.js';

let dir: string;
let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, root, cleanup } = await tempRegistryRoot());
});
afterEach(() => cleanup());

const BAD_NAMES = [
  '../',
  '..',
  '.',
  'A',
  'x/y',
  '',
  'a'.repeat(65),
  '-lead',
  'a b',
  'caf\u00e9',
  'x\\y',
  'a\0b',
  '.hidden',
];

async function codeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    return (error as RegistryError).code;
  }
  return 'accepted';
}

describe('model names', () => {
  it.each(BAD_NAMES)('refuses %j everywhere with INVALID_NAME and touches nothing', async (name) => {
    const registry = openRegistry(root);
    const attempts = [
      () => registry.publish(name, sampleInput(1)),
      () => registry.describe(name),
      () => registry.manifest(name, 1),
      () => registry.load(name, 1),
      () => registry.resolve(name, {}),
      () => registry.aliases(name),
      () => registry.setAlias(name, 'production', 1),
      () => registry.deleteVersion(name, 1),
      async () => registry.weightsPath(name, 1),
    ];
    for (const attempt of attempts) expect(await codeOf(attempt)).toBe('INVALID_NAME');
    expect(await readdir(dir)).toEqual([]);
    expect(isModelName(name)).toBe(false);
  });

  it('accepts names up to 64 characters of [a-z0-9-]', async () => {
    const registry = openRegistry(root);
    const longest = `a${'-'.repeat(62)}9`;
    expect((await registry.publish(longest, sampleInput(1))).name).toBe(longest);
    expect((await registry.publish('0', sampleInput(1))).version).toBe(1);
    expect((await registry.listModels()).map((m) => m.name).sort()).toEqual(['0', longest]);
  });

  it('skips folders in the root whose names are not model names', async () => {
    const registry = openRegistry(root);
    await registry.publish('ok', sampleInput(1));
    await mkdir(`${root}/Not-A-Model`);
    await mkdir(`${root}/.trash`);
    expect((await registry.listModels()).map((m) => m.name)).toEqual(['ok']);
  });
});

describe('versions and aliases', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1', '../1'])(
    'refuses version %j with INVALID_NAME',
    async (version) => {
      const registry = openRegistry(root);
      await registry.publish('m', sampleInput(1));
      const v = version as number;
      expect(await codeOf(() => registry.load('m', v))).toBe('INVALID_NAME');
      expect(await codeOf(() => registry.manifest('m', v))).toBe('INVALID_NAME');
      expect(await codeOf(() => registry.resolve('m', { version: v }))).toBe('INVALID_NAME');
      expect(await codeOf(() => registry.deleteVersion('m', v))).toBe('INVALID_NAME');
      expect(await codeOf(() => registry.setAlias('m', 'production', v))).toBe('INVALID_NAME');
    },
  );

  it.each([...BAD_NAMES, '3', '007'])('refuses alias %j with INVALID_NAME', async (alias) => {
    const registry = openRegistry(root);
    await registry.publish('m', sampleInput(1));
    expect(await codeOf(() => registry.setAlias('m', alias, 1))).toBe('INVALID_NAME');
    expect(await codeOf(() => registry.resolve('m', { alias }))).toBe('INVALID_NAME');
    expect(isAliasName(alias)).toBe(false);
    expect(await registry.aliases('m')).toEqual({});
  });
});

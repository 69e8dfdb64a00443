import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAliasName as contractsIsAliasName } from '@ocellus/contracts';
import { isAliasName, openRegistry, RegistryError, type RegistryEvent } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleInput, tempRegistryRoot } from './helpers/fixtures.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await tempRegistryRoot());
});
afterEach(() => cleanup());

async function refusal(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

async function twoVersions() {
  const registry = openRegistry(root, { pollIntervalMs: 20 });
  await registry.publish('m', sampleInput(1));
  await registry.publish('m', sampleInput(2));
  return registry;
}

function nextEvent(events: RegistryEvent[], count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const check = () => {
      if (events.length >= count) resolve();
      else if (Date.now() > deadline) reject(new Error(`saw ${JSON.stringify(events)}`));
      else setTimeout(check, 10);
    };
    check();
  });
}

describe('aliases named like Object.prototype members', () => {
  it('answers NOT_FOUND for an alias constructor nobody set, with or without aliases.json', async () => {
    const registry = await twoVersions();
    expect((await refusal(registry.resolve('m', { alias: 'constructor' }))).code).toBe('NOT_FOUND');
    await registry.setAlias('m', 'production', 1);
    expect((await refusal(registry.resolve('m', { alias: 'constructor' }))).code).toBe('NOT_FOUND');
    const aliases = await registry.aliases('m');
    expect(aliases.constructor).toBeUndefined();
    expect(aliases.toString).toBeUndefined();
    expect((await registry.describe('m')).aliases.constructor).toBeUndefined();
  });

  it('keeps an alias named constructor like any other, through a move and the watcher', async () => {
    const registry = await twoVersions();
    const events: RegistryEvent[] = [];
    const stop = registry.watch((event) => events.push(event));
    try {
      await registry.setAlias('m', 'constructor', 1);
      expect(await registry.resolve('m', { alias: 'constructor' })).toBe(1);
      await nextEvent(events, 1);
      await registry.setAlias('m', 'constructor', 2);
      expect(await registry.resolve('m', { alias: 'constructor' })).toBe(2);
      expect({ ...(await registry.aliases('m')) }).toEqual({ constructor: 2 });
      expect(JSON.parse(await readFile(join(root, 'm', 'aliases.json'), 'utf8'))).toEqual({ constructor: 2 });
      await nextEvent(events, 2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events).toEqual([
        { kind: 'alias', name: 'm', alias: 'constructor', version: 1 },
        { kind: 'alias', name: 'm', alias: 'constructor', version: 2 },
      ]);
    } finally {
      stop();
    }
  });

  it.each(['__proto__', 'toString'])('refuses the alias %j and writes nothing', async (alias) => {
    const registry = await twoVersions();
    expect((await refusal(registry.setAlias('m', alias, 1))).code).toBe('INVALID_NAME');
    expect((await refusal(registry.resolve('m', { alias }))).code).toBe('INVALID_NAME');
    expect(await readdir(join(root, 'm'))).not.toContain('aliases.json');
  });

  it('reports an aliases.json holding __proto__ as CORRUPT and never takes it as a prototype', async () => {
    const registry = await twoVersions();
    await writeFile(join(root, 'm', 'aliases.json'), '{"production": 1, "__proto__": {"canary": 2}}');
    expect((await refusal(registry.aliases('m'))).code).toBe('CORRUPT');
    expect((await refusal(registry.resolve('m', { alias: 'canary' }))).code).toBe('CORRUPT');
    expect(({} as Record<string, unknown>).canary).toBeUndefined();
  });
});

describe('all-digit aliases', () => {
  it('uses the one alias rule of @ocellus/contracts', () => {
    expect(isAliasName).toBe(contractsIsAliasName);
  });

  it.each(['3', '007'])('refuses setAlias to %j with a reason and writes nothing', async (alias) => {
    const registry = await twoVersions();
    const error = await refusal(registry.setAlias('m', alias, 1));
    expect(error.code).toBe('INVALID_NAME');
    expect(error.message).toMatch(/all digits.*version/);
    expect(await readdir(join(root, 'm'))).toEqual(['1', '2']);
  });
});

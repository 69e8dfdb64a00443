import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

describe('alias names and stray registry entries', () => {
  let t: TestApp;
  let png: Buffer;
  const classify = (query: string) =>
    t.app.inject({ method: 'POST', url: `/v1/classify?model=digits-cnn&${query}`, ...images(png) });
  const putAlias = (alias: string, version: number) =>
    t.app.inject({
      method: 'PUT',
      url: `/v1/models/digits-cnn/aliases/${alias}`,
      payload: { version },
    });

  beforeAll(async () => {
    png = await whitePng();
    t = await testApp({ seed: (registry) => publishTest(registry, 'digits-cnn') });
  });
  afterAll(() => t.close());

  it('answers 404 for an alias constructor nobody set, then serves it once set', async () => {
    expect((await classify('alias=constructor')).statusCode).toBe(404);
    expect((await putAlias('constructor', 1)).statusCode).toBe(200);
    const res = await classify('alias=constructor');
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(1);
    const model = await t.app.inject({ method: 'GET', url: '/v1/models/digits-cnn' });
    expect(model.json().aliases).toEqual({ constructor: 1, production: 1 });
  });

  it.each(['__proto__', 'toString', '3'])('answers 400 for the alias %j, and sets nothing', async (alias) => {
    expect((await classify(`alias=${alias}`)).statusCode).toBe(400);
    const put = await putAlias(alias, 1);
    expect(put.statusCode).toBe(400);
    expect(put.json().code).toBe('INVALID_PARAMETER');
    expect(Object.keys(await t.registry.aliases('digits-cnn'))).not.toContain(alias);
  });

  it('lists the models while the registry root holds a stray file and an empty folder', async () => {
    await writeFile(join(t.registry.root, 'readme'), 'models live here\n');
    await writeFile(join(t.registry.root, '.DS_Store'), Buffer.alloc(8));
    await mkdir(join(t.registry.root, 'empty'));
    const res = await t.app.inject({ method: 'GET', url: '/v1/models' });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((m: { name: string }) => m.name)).toEqual(['digits-cnn']);
    expect((await t.app.inject({ method: 'GET', url: '/v1/models/readme' })).statusCode).toBe(404);
  });
});

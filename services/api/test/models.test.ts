import { createHash } from 'node:crypto';
import { openRegistry } from '@ocellus/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { PATTERNS, publishTest } from './helpers/registry.js';

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('model registry routes', () => {
  let t: TestApp;
  let png: Buffer;
  const top = async (query = '') => {
    const res = await t.app.inject({ method: 'POST', url: `/v1/classify?topk=1${query}`, ...images(png) });
    return {
      version: res.json().version as number,
      label: res.json().results[0].predictions[0].label as string,
    };
  };

  beforeAll(async () => {
    png = await whitePng();
    t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'digits-cnn', {
          centroids: [PATTERNS.light, PATTERNS.dark, PATTERNS.left],
          labels: ['two-light', 'two-dark', 'two-left'],
          alias: null,
        });
        await publishTest(registry, 'digits-cnn', { type: 'test-warm-fail', alias: null });
        await publishTest(registry, 'other', { alias: 'canary' });
      },
    });
  });
  afterAll(() => t.close());

  it('lists models with their task, architecture, versions and aliases', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/models' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        name: 'digits-cnn',
        task: 'classify',
        architecture: { type: 'test-warm-fail' },
        versions: [1, 2, 3],
        aliases: { production: 1 },
      },
      {
        name: 'other',
        task: 'classify',
        architecture: { type: 'test-centroids' },
        versions: [1],
        aliases: { canary: 1 },
      },
    ]);
  });

  it('describes a model with a summary of each version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/models/digits-cnn' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const manifest = await t.registry.manifest('digits-cnn', 1);
    expect(body.manifests[0]).toEqual({
      version: 1,
      created: manifest.created,
      trainingJobId: null,
      metrics: { accuracy: 1 },
      bytes: manifest.weights.bytes,
      sha256: manifest.weights.sha256,
      aliases: ['production'],
    });
    expect(body.manifests.map((m: { aliases: string[] }) => m.aliases)).toEqual([['production'], [], []]);
  });

  it('returns the full manifest of a version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/models/digits-cnn/versions/2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(await t.registry.manifest('digits-cnn', 2))));
  });

  it('downloads the weights with their checksum', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/models/digits-cnn/versions/1/weights' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    const manifest = await t.registry.manifest('digits-cnn', 1);
    expect(res.rawPayload.length).toBe(manifest.weights.bytes);
    expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(manifest.weights.sha256);
    expect(res.headers.etag).toBe(`"${manifest.weights.sha256}"`);
  });

  it('answers unknown models and versions with 404 and bad names with 400', async () => {
    for (const url of [
      '/v1/models/nope',
      '/v1/models/digits-cnn/versions/9',
      '/v1/models/nope/versions/1/weights',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.json().code]).toEqual([url, 404, 'MODEL_NOT_FOUND']);
    }
    for (const url of [
      '/v1/models/Bad_Name',
      '/v1/models/digits-cnn/versions/latest',
      '/v1/models/digits-cnn/versions/0',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.json().code]).toEqual([url, 400, 'INVALID_PARAMETER']);
    }
  });

  it('refuses to move an alias to a version that cannot load, and the alias stays', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/production',
      payload: { version: 3 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('MODEL_LOAD_FAILED');
    expect(res.json().error).toContain('the forward pass diverged');
    expect((await t.registry.aliases('digits-cnn')).production).toBe(1);
    expect(await top()).toEqual({ version: 1, label: 'light' });
  });

  it('answers an alias move to a missing version with 404 and a bad body with 400', async () => {
    const missing = await t.app.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/production',
      payload: { version: 7 },
    });
    expect(missing.statusCode).toBe(404);
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/production',
      payload: { version: 'two' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('version');
  });

  it('promotes: loads and warms the new version, moves the alias, evicts the unaliased one', async () => {
    expect(t.app.models.peek('digits-cnn', 1)).toBeDefined();
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/production',
      payload: { version: 2 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'digits-cnn', alias: 'production', version: 2, previous: 1 });
    expect(t.app.models.peek('digits-cnn', 2)).toBeDefined();
    expect(t.app.models.peek('digits-cnn', 1)).toBeUndefined();
    expect(await top()).toEqual({ version: 2, label: 'two-light' });
  });

  it('refuses to delete an aliased version (409) and deletes an unaliased one (204)', async () => {
    const aliased = await t.app.inject({ method: 'DELETE', url: '/v1/models/digits-cnn/versions/2' });
    expect(aliased.statusCode).toBe(409);
    expect(aliased.json().code).toBe('VERSION_IN_USE');
    const free = await t.app.inject({ method: 'DELETE', url: '/v1/models/digits-cnn/versions/1' });
    expect(free.statusCode).toBe(204);
    const gone = await t.app.inject({ method: 'GET', url: '/v1/models/digits-cnn/versions/1' });
    expect(gone.statusCode).toBe(404);
    expect(await top()).toEqual({ version: 2, label: 'two-light' });
  });

  it('picks up a version published and promoted by another process without a restart', async () => {
    const elsewhere = openRegistry(t.registry.root);
    const manifest = await publishTest(elsewhere, 'digits-cnn', {
      centroids: [PATTERNS.left, PATTERNS.light, PATTERNS.dark],
      labels: ['new-left', 'new-light', 'new-dark'],
      alias: null,
    });
    await elsewhere.setAlias('digits-cnn', 'production', manifest.version);
    await waitFor(async () => t.app.models.peek('digits-cnn', manifest.version) !== undefined);
    expect(await top()).toEqual({ version: manifest.version, label: 'new-light' });
    await waitFor(async () => t.app.models.peek('digits-cnn', 2) === undefined);
  });
});

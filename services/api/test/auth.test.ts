import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

const ADMIN = 'admin-key-0123456789abcdef';
const INFERENCE = 'inference-key-0123456789ab';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('auth with keys configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      env: { OCELLUS_ADMIN_KEYS: ADMIN, OCELLUS_INFERENCE_KEYS: INFERENCE },
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'digits-cnn', { alias: null });
      },
    });
  });
  afterAll(() => t.close());

  const promote = (headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/canary',
      headers,
      payload: { version: 2 },
    });

  it('asks for a bearer key on management routes (401), refuses inference keys there (403)', async () => {
    const none = await promote();
    expect([none.statusCode, none.json().code]).toEqual([401, 'UNAUTHORIZED']);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const wrong = await promote(bearer('not-a-key-at-all-0000000'));
    expect(wrong.statusCode).toBe(401);
    const inference = await promote(bearer(INFERENCE));
    expect([inference.statusCode, inference.json().code]).toEqual([403, 'FORBIDDEN']);
    const deletion = await t.app.inject({ method: 'DELETE', url: '/v1/models/digits-cnn/versions/2' });
    expect(deletion.statusCode).toBe(401);
    expect((await promote(bearer(ADMIN))).statusCode).toBe(200);
  });

  it('asks for an inference (or admin) key on inference and registry reads', async () => {
    const upload = images(await whitePng());
    expect((await t.app.inject({ method: 'POST', url: '/v1/classify', ...upload })).statusCode).toBe(401);
    for (const key of [INFERENCE, ADMIN]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/classify',
        ...upload,
        headers: { ...upload.headers, ...bearer(key) },
      });
      expect(res.statusCode).toBe(200);
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(INFERENCE) })).statusCode,
    ).toBe(200);
  });

  it('leaves health, metrics and docs open', async () => {
    for (const url of ['/v2', '/v2/health/live', '/v2/health/ready', '/metrics', '/openapi.json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });
});

describe('auth with no keys (loopback only)', () => {
  it('leaves management routes open', async () => {
    const t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'digits-cnn', { alias: null });
      },
    });
    try {
      expect(t.config.host).toBe('127.0.0.1');
      const res = await t.app.inject({
        method: 'PUT',
        url: '/v1/models/digits-cnn/aliases/canary',
        payload: { version: 2 },
      });
      expect(res.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

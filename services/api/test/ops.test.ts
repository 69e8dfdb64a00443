import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: (registry) => publishTest(registry, 'digits-cnn') });
  });
  afterAll(() => t.close());

  it('GET /v2 names the server', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'ocellus', version: '0.1.0', extensions: [] });
  });

  it('is live, and ready once production versions are loaded', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v2/health/live' })).json()).toEqual({ live: true });
    const ready = await t.app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true });
    expect(t.app.models.peek('digits-cnn', 1)).toBeDefined();
  });

  it('serves an OpenAPI document generated from the schemas, and the docs UI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/classify',
        '/v1/segment',
        '/v1/models/{name}/aliases/{alias}',
        '/v2/models/{name}/infer',
      ]),
    );
    const topk = doc.paths['/v1/classify'].post.parameters.find((p: { name: string }) => p.name === 'topk');
    expect(topk.schema).toMatchObject({ type: 'integer', minimum: 1, default: 5 });
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/docs'))).toBe(false);
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('exports Prometheus metrics per route, model and version, with batch sizes and queue depth', async () => {
    const classify = await t.app.inject({ method: 'POST', url: '/v1/classify', ...images(await whitePng()) });
    expect(classify.statusCode).toBe(200);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toMatch(
      /ocellus_http_requests_total\{method="POST",route="\/v1\/classify",status_code="200",model="digits-cnn",version="1"\} 1/,
    );
    expect(text).toMatch(
      /ocellus_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/v1\/classify"/,
    );
    expect(text).toMatch(/ocellus_inference_batch_size_count\{model="digits-cnn",version="1"\} 1/);
    expect(text).toMatch(/ocellus_inference_queue_depth\{model="digits-cnn",version="1"\} 0/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('labels unknown paths as unmatched instead of minting a series per URL', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/path' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'no route GET /no/such/path', code: 'NOT_FOUND' });
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('route="unmatched",status_code="404"');
    expect(text).not.toContain('/no/such/path');
  });

  it('echoes a caller request id and makes one otherwise', async () => {
    const given = await t.app.inject({ method: 'GET', url: '/v2', headers: { 'x-request-id': 'trace-42' } });
    expect(given.headers['x-request-id']).toBe('trace-42');
    const made = await t.app.inject({
      method: 'GET',
      url: '/v2',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

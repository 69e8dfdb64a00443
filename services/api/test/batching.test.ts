import type { ModelFactory } from '@ocellus/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { slowCalls, testFactory, testHost } from './helpers/families.js';
import { leftHalfPng, whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

describe('batching behind the routes', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('runs 8 concurrent requests as one forward pass of 8, each answered with its own image', async () => {
    t = await testApp({
      config: { batching: { maxBatchSize: 8, maxDelayMs: 2000, maxQueue: 64 } },
      seed: (registry) =>
        publishTest(registry, 'digits-cnn', { type: 'test-slow', architecture: { delayMs: 10 } }),
    });
    const before = slowCalls.length;
    const [white, left] = [await whitePng(), await leftHalfPng()];
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t!.app.inject({ method: 'POST', url: '/v1/classify?topk=1', ...images(i % 2 ? left : white) }),
      ),
    );
    expect(slowCalls.slice(before)).toEqual([8]);
    expect(responses.map((r) => r.json().results[0].predictions[0].label)).toEqual(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? 'left' : 'light')),
    );
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/ocellus_inference_batch_size_sum\{model="digits-cnn",version="1"\} 8/);
  });

  it('answers 503 OVERLOADED past the queue bound, then serves again', async () => {
    t = await testApp({
      config: { batching: { maxBatchSize: 1, maxDelayMs: 0, maxQueue: 2 } },
      seed: (registry) =>
        publishTest(registry, 'digits-cnn', { type: 'test-slow', architecture: { delayMs: 800 } }),
    });
    const png = await whitePng();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => t!.app.inject({ method: 'POST', url: '/v1/classify', ...images(png) })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 503, 503, 503]);
    const refused = responses.find((r) => r.statusCode === 503)!;
    expect(refused.json().code).toBe('OVERLOADED');
    expect(refused.headers['retry-after']).toBe('1');
    const after = await t.app.inject({ method: 'POST', url: '/v1/classify', ...images(png) });
    expect(after.statusCode).toBe(200);
  });

  it('fails only the image the model cannot take; every image failing is a 500', async () => {
    t = await testApp({ seed: (registry) => publishTest(registry, 'digits-cnn', { type: 'test-flaky' }) });
    const mixed = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?topk=1',
      ...images(await leftHalfPng(), await whitePng(), await leftHalfPng()),
    });
    expect(mixed.statusCode).toBe(200);
    const results = mixed.json().results;
    expect(results[0].predictions[0].label).toBe('left');
    expect(results[1]).toEqual({
      image: { width: 16, height: 16 },
      error: { error: 'inference failed for this image', code: 'INFERENCE_FAILED' },
    });
    expect(results[2].predictions[0].label).toBe('left');
    const all = await t.app.inject({ method: 'POST', url: '/v1/classify', ...images(await whitePng()) });
    expect(all.statusCode).toBe(500);
    expect(all.json().code).toBe('INFERENCE_FAILED');
  });

  it('answers 503 MODEL_UNAVAILABLE with the reason when no family can load the model, without reloading each time', async () => {
    let attempts = 0;
    const factory: ModelFactory = (manifest, tensors) => {
      attempts++;
      return testFactory(manifest, tensors);
    };
    t = await testApp({
      host: testHost(factory),
      seed: (registry) => publishTest(registry, 'digits-cnn', { type: 'cnn' }),
    });
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/classify', ...images(await whitePng()) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        code: 'MODEL_UNAVAILABLE',
        error:
          "model digits-cnn version 1 cannot be loaded: no model family registered for architecture 'cnn'",
      });
    }
    expect(attempts).toBe(1);
    const ready = await t.app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect(ready.statusCode).toBe(503);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { blackPng, whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { PATTERNS, publishTest } from './helpers/registry.js';

const input = (n: number, value: (i: number) => number = () => 0) => ({
  inputs: [
    {
      name: 'input',
      shape: [n, 1, 8, 8],
      datatype: 'FP32',
      data: Array.from({ length: n * 64 }, (_, i) => value(i)),
    },
  ],
});

/** The batch-size histogram's buckets for one model, from the Prometheus text. */
async function batchBuckets(t: TestApp, model: string): Promise<Map<string, number>> {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const buckets = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^ocellus_inference_batch_size_bucket\{le="([^"]+)",model="([^"]+)"/.exec(line);
    if (m && m[2] === model) buckets.set(m[1]!, Number(line.split(' ').at(-1)));
  }
  return buckets;
}

describe('Open Inference Protocol limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      config: { batching: { maxBatchSize: 8 }, oip: { maxBatch: 64, maxElements: 40 * 64 } },
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'fragile', { type: 'test-oom' });
      },
    });
  });
  afterAll(() => t.close());

  it('runs a large batch through the batcher, never more than the batch size per forward pass', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/infer',
      payload: input(37, (i) => PATTERNS.left[i % 64]!),
    });
    expect(res.statusCode).toBe(200);
    const [scores] = res.json().outputs;
    expect(scores.shape).toEqual([37, 3]);
    for (let i = 0; i < 37; i++) {
      const row: number[] = scores.data.slice(3 * i, 3 * i + 3);
      expect(row.indexOf(Math.max(...row))).toBe(2);
    }
    const buckets = await batchBuckets(t, 'digits-cnn');
    expect(buckets.get('+Inf')).toBeGreaterThanOrEqual(5);
    expect(buckets.get('8')).toBe(buckets.get('+Inf'));
  });

  it('answers 413 naming the setting past the batch or element cap, before any forward pass', async () => {
    const before = (await batchBuckets(t, 'digits-cnn')).get('+Inf');
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/infer',
      payload: input(65),
    });
    expect(batch.statusCode).toBe(413);
    expect(batch.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(batch.json().error).toContain('OCELLUS_OIP_MAX_BATCH');
    const values = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/infer',
      payload: input(41),
    });
    expect(values.statusCode).toBe(413);
    expect(values.json().error).toContain('OCELLUS_OIP_MAX_ELEMENTS');
    expect((await batchBuckets(t, 'digits-cnn')).get('+Inf')).toBe(before);
  });

  it('looks output names up as names, never on a prototype', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v2/models/digits-cnn/infer',
        payload: { ...input(1), outputs: [{ name }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'INVALID_PARAMETER', error: `unknown output '${name}'` });
    }
  });

  it('answers a forward pass that runs out of memory with 503 RESOURCE_EXHAUSTED and keeps serving', async () => {
    const oom = await t.app.inject({
      method: 'POST',
      url: '/v2/models/fragile/infer',
      payload: input(2, () => 1),
    });
    expect(oom.statusCode).toBe(503);
    expect(oom.headers['retry-after']).toBe('1');
    expect(oom.json()).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    const route = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?model=fragile',
      ...images(await whitePng(8, 8)),
    });
    expect(route.statusCode).toBe(503);
    expect(route.json()).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    const fine = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?model=fragile',
      ...images(await blackPng(8, 8)),
    });
    expect(fine.statusCode).toBe(200);
    expect(fine.json().results[0].predictions[0].label).toBe('dark');
    expect((await t.app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200);
  });
});

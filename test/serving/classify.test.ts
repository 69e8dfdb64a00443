import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DigitUpload, testDigits } from './helpers/digits.js';
import { digitsServer } from './helpers/digits-server.js';
import type { TempRegistry } from './helpers/registry.js';
import type { RunningServer } from './helpers/server.js';

interface Prediction {
  label: string;
  index: number;
  score: number;
}
interface ClassifyBody {
  model: string;
  version: number;
  task: string;
  results: { image: { width: number; height: number }; predictions: Prediction[] }[];
  timing: { decodeMs: number; queueMs: number; inferMs: number };
}

describe('POST /v1/classify on a listening server with a trained digits model', () => {
  let temp: TempRegistry;
  let server: RunningServer;
  let digits: DigitUpload[];

  beforeAll(async () => {
    ({ temp, server } = await digitsServer());
    digits = await testDigits(20);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await temp?.cleanup();
  });

  it('classifies test-split digits in every photo-like variant, raw body', async () => {
    const correct = new Map<string, number>();
    for (const digit of digits) {
      const res = await request(server.url)
        .post('/v1/classify')
        .set('content-type', digit.type)
        .send(digit.bytes)
        .expect(200);
      const body = res.body as ClassifyBody;
      expect(body).toMatchObject({ model: 'digits-cnn', version: 1, task: 'classify' });
      const top = body.results[0]?.predictions[0];
      if (top?.index === digit.label) correct.set(digit.variant, (correct.get(digit.variant) ?? 0) + 1);
    }
    const variants = [...new Set(digits.map((d) => d.variant))];
    expect(variants).toHaveLength(5);
    for (const variant of variants) {
      const accuracy = (correct.get(variant) ?? 0) / (digits.length / variants.length);
      expect(accuracy, variant).toBeGreaterThanOrEqual(0.75);
    }
  });

  it('answers several multipart images in upload order with their sizes and the label as text', async () => {
    const chosen = digits.filter((d) => d.variant.startsWith('dark ink')).slice(0, 6);
    let call = request(server.url).post('/v1/classify?topk=3');
    chosen.forEach((d, i) => {
      call = call.attach('image', d.bytes, { filename: `digit-${i}.jpg`, contentType: d.type });
    });
    const body = (await call.expect(200)).body as ClassifyBody;
    expect(body.results).toHaveLength(chosen.length);
    for (const result of body.results) {
      expect(result.image).toEqual({ width: 136, height: 132 });
      expect(result.predictions).toHaveLength(3);
      const scores = result.predictions.map((p) => p.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const p of result.predictions) expect(p.label).toBe(String(p.index));
    }
    const hits = body.results.filter((r, i) => r.predictions[0]?.index === chosen[i]?.label).length;
    expect(hits).toBeGreaterThanOrEqual(chosen.length - 1);
    expect(body.timing.inferMs).toBeGreaterThan(0);
  });

  it('gives the same answer for an image sent raw and as a multipart file', async () => {
    const digit = digits[0] as DigitUpload;
    const raw = await request(server.url)
      .post('/v1/classify?topk=10')
      .set('content-type', digit.type)
      .send(digit.bytes)
      .expect(200);
    const form = await request(server.url)
      .post('/v1/classify')
      .field('topk', '10')
      .attach('image', digit.bytes, { filename: 'digit.png', contentType: digit.type })
      .expect(200);
    expect((form.body as ClassifyBody).results).toEqual((raw.body as ClassifyBody).results);
    const total = (raw.body as ClassifyBody).results[0]?.predictions.reduce((s, p) => s + p.score, 0);
    expect(total).toBeCloseTo(1, 4);
  });

  it('serves concurrent requests, each with its own answer, and echoes the request id', async () => {
    const chosen = digits.filter((d) => d.variant.startsWith('mnist')).slice(0, 12);
    const replies = await Promise.all(
      chosen.map((d, i) =>
        request(server.url)
          .post('/v1/classify?topk=1')
          .set('content-type', d.type)
          .set('x-request-id', `digit-${i}`)
          .send(d.bytes)
          .expect(200),
      ),
    );
    replies.forEach((res, i) => {
      expect(res.headers['x-request-id']).toBe(`digit-${i}`);
    });
    const oneByOne: (number | undefined)[] = [];
    for (const d of chosen) {
      const res = await request(server.url)
        .post('/v1/classify?topk=1')
        .set('content-type', d.type)
        .send(d.bytes);
      oneByOne.push((res.body as ClassifyBody).results[0]?.predictions[0]?.index);
    }
    expect(replies.map((r) => (r.body as ClassifyBody).results[0]?.predictions[0]?.index)).toEqual(oneByOne);
  });
});

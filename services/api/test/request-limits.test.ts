import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

/** The longest the event loop went without turning while `work` ran, sampled every 5 ms. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    // A request handled in one macrotask never lets the timer run: its whole length is the stall.
    return { result, stallMs: Math.max(stallMs, performance.now() - last) };
  } finally {
    clearInterval(timer);
  }
}

describe('large but legal requests', () => {
  let t: TestApp;
  let bigPng: Buffer;

  beforeAll(async () => {
    t = await testApp({ seed: (registry) => publishTest(registry, 'digits-cnn') });
    bigPng = await sharp({ create: { width: 4096, height: 4096, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
  });
  afterAll(() => t.close());

  it('refuses sixteen 4096x4096 PNGs with 413 naming OCELLUS_MAX_REQUEST_PIXELS before decoding any', async () => {
    const { result: res, stallMs } = await longestStall(() =>
      t.app.inject({ method: 'POST', url: '/v1/classify', ...images(...Array(16).fill(bigPng)) }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(res.json().error).toContain('OCELLUS_MAX_REQUEST_PIXELS');
    // Headers only: decoding them all stalled the loop ~200 ms here (and took ~0.8 s); a bound with room.
    expect(stallMs).toBeLessThan(150);
  });

  it('sums the pixels of every image in the request against OCELLUS_MAX_REQUEST_PIXELS', async () => {
    const small = await testApp({
      config: { limits: { maxRequestPixels: 3 * 32 * 32 } },
      seed: (registry) => publishTest(registry, 'digits-cnn'),
    });
    try {
      const png = await whitePng(32, 32);
      const three = await small.app.inject({ method: 'POST', url: '/v1/classify', ...images(png, png, png) });
      expect(three.statusCode).toBe(200);
      const four = await small.app.inject({
        method: 'POST',
        url: '/v1/classify',
        ...images(png, png, png, png),
      });
      expect(four.statusCode).toBe(413);
      expect(four.json().error).toContain('OCELLUS_MAX_REQUEST_PIXELS');
    } finally {
      await small.close();
    }
  });

  it('refuses a 700,000-key OIP body with 413 naming OCELLUS_JSON_MAX_KEYS before validating it', async () => {
    const keys = Object.fromEntries(Array.from({ length: 700_000 }, (_, i) => [`k${i}`, 0]));
    const payload = JSON.stringify({
      inputs: [{ name: 'input', shape: [1, 1, 8, 8], datatype: 'FP32', data: [] }],
      ...keys,
    });
    const { result: res, stallMs } = await longestStall(() =>
      t.app.inject({
        method: 'POST',
        url: '/v2/models/digits-cnn/infer',
        headers: { 'content-type': 'application/json' },
        payload,
      }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(res.json().error).toContain('OCELLUS_JSON_MAX_KEYS');
    // Parsing it built a 700,000-key object in one ~0.8 s stall; the scan stops at the 10,001st key.
    expect(stallMs).toBeLessThan(200);
  });

  it('counts array items that are not numbers as keys, so zod never makes a million issues', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/infer',
      payload: {
        inputs: [{ name: 'input', shape: [1, 1, 8, 8], datatype: 'FP32', data: Array(1_000_000).fill('x') }],
      },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toContain('OCELLUS_JSON_MAX_KEYS');
    expect(res.body.length).toBeLessThan(1000);
  });

  it('lets a tensor of 100,000 numbers through: numbers in arrays are not keys', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/infer',
      payload: {
        inputs: [{ name: 'input', shape: [1, 1, 8, 8], datatype: 'FP32', data: Array(100_000).fill(0.5) }],
      },
    });
    // Past the JSON limits: the route's own check of the values against the shape answers.
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain('its shape needs 64');
  });

  it('counts keys outside strings only: colons, quotes and brackets inside a string are text', async () => {
    const counted = await testApp({
      config: { limits: { maxJsonKeys: 6 } },
      seed: (registry) => publishTest(registry, 'digits-cnn'),
    });
    try {
      // inputs, the input object (an array item), name, shape, datatype, data: 6 keys.
      const body = (name: string) =>
        JSON.stringify({ inputs: [{ name, shape: [1, 1, 8, 8], datatype: 'FP32', data: [] }] });
      const tricky = 'a:b\\":{[x:"y"],';
      const at = await counted.app.inject({
        method: 'POST',
        url: '/v2/models/digits-cnn/infer',
        headers: { 'content-type': 'application/json' },
        payload: body(tricky),
      });
      expect(at.statusCode).toBe(400);
      expect(at.json().error).toContain('its shape needs 64');
      const over = await counted.app.inject({
        method: 'POST',
        url: '/v2/models/digits-cnn/infer',
        headers: { 'content-type': 'application/json' },
        payload: body(tricky).replace('"data":[]', '"data":[],"extra":1'),
      });
      expect(over.statusCode).toBe(413);
    } finally {
      await counted.close();
    }
  });

  it('refuses JSON nested deeper than OCELLUS_JSON_MAX_DEPTH with 400 naming it', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/digits-cnn/infer',
      headers: { 'content-type': 'application/json' },
      payload: `{"inputs":${deep}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(res.json().error).toContain('OCELLUS_JSON_MAX_DEPTH');
  });
});

import { multipartBody } from '@ocellus/api/testing';
import { bombPng, greyImage } from '@ocellus/vision/testing';
import type { InjectOptions } from 'fastify';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

describe('bad input on POST /v1/classify', () => {
  let t: TestApp;
  let png: Buffer;
  let jpeg: Buffer;

  async function expectError(request: InjectOptions, status: number, code: string, mentions?: string) {
    const res = await t.app.inject(request);
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.code).toBe(code);
    expect(typeof body.error).toBe('string');
    if (mentions !== undefined) expect(body.error).toContain(mentions);
    return body;
  }

  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'scenes', { type: 'test-localizer', task: 'localize', labels: ['blob'] });
      },
    });
    png = await greyImage(64, 64, (x, y) => (x * y) % 256);
    jpeg = await greyImage(64, 64, (x, y) => (x * y) % 256, 'jpeg');
  });
  afterAll(() => t.close());
  afterEach(async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/classify', ...images(await whitePng()) });
    expect(res.statusCode).toBe(200);
  });

  it('answers an empty body with 400 NO_IMAGE', async () => {
    await expectError({ method: 'POST', url: '/v1/classify' }, 400, 'NO_IMAGE');
    await expectError(
      {
        method: 'POST',
        url: '/v1/classify',
        headers: { 'content-type': 'image/png' },
        body: Buffer.alloc(0),
      },
      400,
      'NO_IMAGE',
    );
  });

  it('answers a form without an image field with 400 NO_IMAGE', async () => {
    await expectError(
      { method: 'POST', url: '/v1/classify', ...multipartBody([{ name: 'topk', value: '3' }]) },
      400,
      'NO_IMAGE',
    );
  });

  it('answers a file in another field with 400 INVALID_PARAMETER', async () => {
    const upload = multipartBody([{ name: 'file', filename: 'a.png', data: png }]);
    await expectError(
      { method: 'POST', url: '/v1/classify', ...upload },
      400,
      'INVALID_PARAMETER',
      "'image'",
    );
  });

  it('answers a text file named .png with 400 IMAGE_DECODE_FAILED', async () => {
    const upload = multipartBody([
      { name: 'image', filename: 'cat.png', data: Buffer.from('just some text, not a picture\n') },
    ]);
    await expectError(
      { method: 'POST', url: '/v1/classify', ...upload },
      400,
      'IMAGE_DECODE_FAILED',
      'image 1',
    );
  });

  it('answers truncated PNG and JPEG files with 400 IMAGE_DECODE_FAILED', async () => {
    for (const bytes of [png, jpeg]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * 0.7));
      await expectError({ method: 'POST', url: '/v1/classify', ...images(cut) }, 400, 'IMAGE_DECODE_FAILED');
    }
  });

  it('names which image of several failed', async () => {
    const upload = images(png, Buffer.from('nope'));
    await expectError(
      { method: 'POST', url: '/v1/classify', ...upload },
      400,
      'IMAGE_DECODE_FAILED',
      'image 2',
    );
  });

  it('answers a 1x1 image with 400 IMAGE_TOO_SMALL', async () => {
    const dot = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expectError({ method: 'POST', url: '/v1/classify', ...images(dot) }, 400, 'IMAGE_TOO_SMALL');
  });

  it('refuses a 20000x20000 PNG by its header with 413 naming OCELLUS_MAX_PIXELS, memory staying flat', async () => {
    const bomb = await bombPng(20_000, 20_000);
    const before = process.memoryUsage().rss;
    await expectError(
      { method: 'POST', url: '/v1/classify', ...images(bomb) },
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_PIXELS',
    );
    await expectError(
      { method: 'POST', url: '/v1/classify', headers: { 'content-type': 'image/png' }, body: bomb },
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_PIXELS',
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a 50 MB upload with 413 naming OCELLUS_MAX_FILE_BYTES, multipart or raw', async () => {
    const big = Buffer.concat([png, Buffer.alloc(50 * 1024 * 1024)]);
    await expectError(
      { method: 'POST', url: '/v1/classify', ...images(big) },
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FILE_BYTES',
    );
    await expectError(
      { method: 'POST', url: '/v1/classify', headers: { 'content-type': 'image/png' }, body: big },
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FILE_BYTES',
    );
  });

  it('refuses a thousand parts with 413 naming the limit they hit', async () => {
    const fields = multipartBody(Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}`, value: 'x' })));
    await expectError(
      { method: 'POST', url: '/v1/classify', ...fields },
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FIELDS',
    );
    const files = multipartBody(
      Array.from({ length: 1000 }, (_, i) => ({ name: 'image', filename: `${i}.png`, data: png })),
    );
    await expectError(
      { method: 'POST', url: '/v1/classify', ...files },
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FILES',
    );
  });

  it('refuses an oversized text field with 413 naming OCELLUS_MAX_FIELD_BYTES', async () => {
    const upload = multipartBody([
      { name: 'model', value: 'x'.repeat(5000) },
      { name: 'image', filename: 'a.png', data: png },
    ]);
    await expectError(
      { method: 'POST', url: '/v1/classify', ...upload },
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FIELD_BYTES',
    );
  });

  it('answers unknown model, version and alias with 404 MODEL_NOT_FOUND', async () => {
    const upload = images(png);
    await expectError({ method: 'POST', url: '/v1/classify?model=nope', ...upload }, 404, 'MODEL_NOT_FOUND');
    await expectError(
      { method: 'POST', url: '/v1/classify?version=99', ...upload },
      404,
      'MODEL_NOT_FOUND',
      'version 99',
    );
    await expectError(
      { method: 'POST', url: '/v1/classify?alias=staging', ...upload },
      404,
      'MODEL_NOT_FOUND',
      "'staging'",
    );
  });

  it('answers a model of another task with 409 TASK_MISMATCH', async () => {
    await expectError(
      { method: 'POST', url: '/v1/classify?model=scenes', ...images(png) },
      409,
      'TASK_MISMATCH',
    );
  });

  it.each([
    ['topk=abc', 'topk'],
    ['topk=0', 'topk'],
    ['topk=2.5', 'topk'],
    ['version=-1', 'version'],
    ['model=Bad_Name', 'model'],
    ['version=1&alias=production', 'alias'],
    ['scoreThreshold=0.3', ''],
  ])('answers ?%s with 400 INVALID_PARAMETER at %j, without echoing it', async (query, path) => {
    const body = await expectError(
      { method: 'POST', url: `/v1/classify?${query}`, ...images(png) },
      400,
      'INVALID_PARAMETER',
    );
    expect(body.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(JSON.stringify(body)).not.toContain('Bad_Name');
  });

  it('validates options sent as multipart fields the same way', async () => {
    const upload = multipartBody([
      { name: 'topk', value: 'lots' },
      { name: 'image', filename: 'a.png', data: png },
    ]);
    const body = await expectError(
      { method: 'POST', url: '/v1/classify', ...upload },
      400,
      'INVALID_PARAMETER',
    );
    expect(body.issues[0].path).toBe('topk');
  });

  it('answers other content types with 415 and SVG with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectError(
      { method: 'POST', url: '/v1/classify', headers: { 'content-type': 'text/plain' }, body: 'hello' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle r="9"/></svg>',
    );
    await expectError(
      { method: 'POST', url: '/v1/classify', headers: { 'content-type': 'image/svg+xml' }, body: svg },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('answers a malformed multipart body with 400', async () => {
    const { body, headers } = images(png);
    await expectError(
      { method: 'POST', url: '/v1/classify', headers, body: body.subarray(0, body.length - 30) },
      400,
      'INVALID_PARAMETER',
    );
    await expectError(
      { method: 'POST', url: '/v1/classify', headers: { 'content-type': 'multipart/form-data' }, body },
      400,
      'INVALID_PARAMETER',
    );
  });
});

describe('the multipart parts limit', () => {
  it('refuses a thousand parts with 413 naming OCELLUS_MAX_PARTS when fields are allowed', async () => {
    const t = await testApp({
      config: { limits: { maxFields: 4096 } },
      seed: (r) => publishTest(r, 'digits-cnn'),
    });
    try {
      const fields = multipartBody(Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}`, value: 'x' })));
      const res = await t.app.inject({ method: 'POST', url: '/v1/classify', ...fields });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(res.json().error).toContain('OCELLUS_MAX_PARTS');
    } finally {
      await t.close();
    }
  });
});

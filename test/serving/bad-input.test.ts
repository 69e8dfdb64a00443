import { multipartBody } from '@ocellus/api/testing';
import { bombPng, greyImage } from '@ocellus/vision/testing';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDigits } from './helpers/digits.js';
import { earlyResponse } from './helpers/early-response.js';
import { type TempRegistry, tempRegistry, trainTinyDigits } from './helpers/registry.js';
import { type RunningServer, startServer } from './helpers/server.js';

type Reply = { status: number; body: { error?: unknown; code?: unknown; issues?: { path: string }[] } };

describe('bad input against the real socket of POST /v1/classify', () => {
  let temp: TempRegistry;
  let server: RunningServer;
  let png: Buffer;
  let jpeg: Buffer;
  let digit: { bytes: Buffer; label: number };

  const post = (query = '') => request(server.url).post(`/v1/classify${query}`);
  const raw = (bytes: Buffer | string, type = 'image/png', query = '') =>
    post(query).set('content-type', type).send(bytes);

  function expectError(res: Reply, status: number, code: string, mentions?: string) {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(typeof res.body.error).toBe('string');
    if (mentions !== undefined) expect(res.body.error).toContain(mentions);
  }

  beforeAll(async () => {
    temp = await tempRegistry();
    await trainTinyDigits(temp.registry, { promote: 'production' });
    // A version of another task, never aliased so the server has no reason to load it.
    await temp.registry.publish('scenes', {
      task: 'localize',
      architecture: { type: 'localizer' },
      inputSpec: { channels: 3, height: 32, width: 32 },
      preprocessing: {},
      labels: ['blob'],
      metrics: {},
      tensors: { w: { dtype: 'F32', shape: [1], data: new Float32Array(1) } },
    });
    server = await startServer({ OCELLUS_REGISTRY_ROOT: temp.root });
    png = await greyImage(64, 64, (x, y) => (x * y) % 256);
    jpeg = await greyImage(64, 64, (x, y) => (x * y) % 256, 'jpeg');
    const [first] = await testDigits(1);
    digit = { bytes: first?.bytes ?? Buffer.alloc(0), label: first?.label ?? -1 };
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await temp?.cleanup();
  });
  afterEach(async () => {
    const res = await raw(digit.bytes).expect(200);
    expect(res.body.results[0].predictions[0].index).toBe(digit.label);
    expect(server.child.exitCode).toBeNull();
  });

  it('answers an empty body with 400 NO_IMAGE, raw or bodiless', async () => {
    expectError(await post(), 400, 'NO_IMAGE');
    expectError(await raw(Buffer.alloc(0)), 400, 'NO_IMAGE');
  });

  it('answers a form without an image field with 400 NO_IMAGE', async () => {
    expectError(await post().field('topk', '3'), 400, 'NO_IMAGE');
  });

  it('answers a text file named .png with 400 IMAGE_DECODE_FAILED', async () => {
    const text = Buffer.from('definitely not a picture\n');
    expectError(
      await post().attach('image', text, { filename: 'cat.png', contentType: 'image/png' }),
      400,
      'IMAGE_DECODE_FAILED',
    );
  });

  it('answers truncated PNG and JPEG files with 400 IMAGE_DECODE_FAILED', async () => {
    for (const [bytes, type] of [
      [png, 'image/png'],
      [jpeg, 'image/jpeg'],
    ] as const) {
      expectError(
        await raw(bytes.subarray(0, Math.floor(bytes.length * 0.6)), type),
        400,
        'IMAGE_DECODE_FAILED',
      );
    }
  });

  it('answers a 1x1 image with 400 IMAGE_TOO_SMALL', async () => {
    const dot = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    expectError(await raw(dot), 400, 'IMAGE_TOO_SMALL');
  });

  it('refuses a 20000x20000 PNG bomb with 413 naming OCELLUS_MAX_PIXELS, the server RSS staying flat', async () => {
    const bomb = await bombPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = server.rssBytes();
    expectError(await raw(bomb), 413, 'PAYLOAD_TOO_LARGE', 'OCELLUS_MAX_PIXELS');
    expectError(
      await post().attach('image', bomb, { filename: 'bomb.png', contentType: 'image/png' }),
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_PIXELS',
    );
    // Decoding it would need 400 MB; a few MB of buffers and garbage is noise.
    expect(server.rssBytes() - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a 50 MB upload with 413 naming OCELLUS_MAX_FILE_BYTES, multipart or raw', async () => {
    const big = Buffer.concat([png, Buffer.alloc(50 * 1024 * 1024)]);
    expectError(
      await post().attach('image', big, { filename: 'big.png', contentType: 'image/png' }),
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FILE_BYTES',
    );
    // Refused by its content-length; the server drains the unread upload so a client that keeps
    // writing (superagent does) still reads the answer instead of a connection reset.
    for (let i = 0; i < 3; i++)
      expectError(await raw(big), 413, 'PAYLOAD_TOO_LARGE', 'OCELLUS_MAX_FILE_BYTES');
  });

  it('refuses a thousand parts with 413 naming the limit they hit', async () => {
    const fields = multipartBody(Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}`, value: 'x' })));
    expectError(
      await earlyResponse(server.url, { path: '/v1/classify', ...fields }),
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FIELDS',
    );
    const tiny = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const files = multipartBody(
      Array.from({ length: 1000 }, (_, i) => ({ name: 'image', filename: `${i}.png`, data: tiny })),
    );
    expectError(
      await earlyResponse(server.url, { path: '/v1/classify', ...files }),
      413,
      'PAYLOAD_TOO_LARGE',
      'OCELLUS_MAX_FILES',
    );
  });

  it('answers an unknown model, version or alias with 404 MODEL_NOT_FOUND', async () => {
    expectError(await raw(png, 'image/png', '?model=no-such-model'), 404, 'MODEL_NOT_FOUND');
    expectError(await raw(png, 'image/png', '?version=42'), 404, 'MODEL_NOT_FOUND', 'version 42');
    expectError(await raw(png, 'image/png', '?alias=staging'), 404, 'MODEL_NOT_FOUND', "'staging'");
  });

  it('answers a model of another task with 409 TASK_MISMATCH naming its route', async () => {
    expectError(await raw(png, 'image/png', '?model=scenes&version=1'), 409, 'TASK_MISMATCH', '/v1/localize');
  });

  it.each([
    ['topk=abc', 'topk'],
    ['topk=0', 'topk'],
    ['topk=1.5', 'topk'],
    ['version=-3', 'version'],
    ['model=Not_A_Name', 'model'],
    ['version=1&alias=production', 'alias'],
  ])('answers ?%s with 400 INVALID_PARAMETER at %s', async (query, path) => {
    const res: Reply = await raw(png, 'image/png', `?${query}`);
    expectError(res, 400, 'INVALID_PARAMETER');
    expect(res.body.issues?.map((i) => i.path)).toContain(path);
  });

  it('answers a text body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    expectError(await raw('hello', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

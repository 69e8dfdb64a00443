import { multipartBody } from '@ocellus/api/testing';
import { decodeMask } from '@ocellus/vision/rle';
import { greyImage } from '@ocellus/vision/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { blackPng, leftHalfPng, whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { PATTERNS, publishTest } from './helpers/registry.js';

const scene = () => greyImage(64, 48, (x, y) => (x >= 16 && x < 48 && y >= 12 && y < 36 ? 255 : 0));
const sceneSpec = { channels: 1, height: 32, width: 32 };

describe('POST /v1/classify', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'digits-cnn', {
          centroids: [PATTERNS.light, PATTERNS.dark, PATTERNS.left],
          labels: ['v2-light', 'v2-dark', 'v2-left'],
          alias: 'canary',
        });
      },
    });
  });
  afterAll(() => t.close());

  it('classifies an uploaded image with the default model and alias', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/classify',
      ...images(await whitePng(20, 10)),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ model: 'digits-cnn', version: 1, task: 'classify' });
    expect(body.results).toHaveLength(1);
    const [result] = body.results;
    expect(result.image).toEqual({ width: 20, height: 10 });
    expect(result.predictions.map((p: { label: string }) => p.label)).toEqual(['light', 'left', 'dark']);
    expect(result.predictions[0]).toMatchObject({ label: 'light', index: 1 });
    const scores = result.predictions.map((p: { score: number }) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    for (const ms of Object.values(body.timing)) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('answers one result per image, in upload order', async () => {
    const upload = images(await blackPng(), await leftHalfPng(), await whitePng(), await leftHalfPng(30, 30));
    const res = await t.app.inject({ method: 'POST', url: '/v1/classify?topk=1', ...upload });
    expect(res.statusCode).toBe(200);
    const top = res.json().results.map((r: { predictions: { label: string }[] }) => r.predictions[0]?.label);
    expect(top).toEqual(['dark', 'left', 'light', 'left']);
    expect(res.json().results[3].image).toEqual({ width: 30, height: 30 });
  });

  it('takes a raw image/* body, PNG or JPEG', async () => {
    for (const [type, body] of [
      ['image/png', await leftHalfPng()],
      ['image/jpeg', await greyImage(40, 40, (x) => (x < 20 ? 250 : 5), 'jpeg')],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/classify',
        headers: { 'content-type': type },
        body,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().results[0].predictions[0].label).toBe('left');
    }
  });

  it('honours topk from the query or a multipart field, the query winning', async () => {
    const png = await whitePng();
    const viaField = multipartBody([
      { name: 'topk', value: '2' },
      { name: 'image', filename: 'a.png', data: png },
    ]);
    const field = await t.app.inject({ method: 'POST', url: '/v1/classify', ...viaField });
    expect(field.json().results[0].predictions).toHaveLength(2);
    const both = await t.app.inject({ method: 'POST', url: '/v1/classify?topk=1', ...viaField });
    expect(both.json().results[0].predictions).toHaveLength(1);
  });

  it('selects a version or an alias, by query or field', async () => {
    const png = await whitePng();
    const byVersion = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?version=2&topk=1',
      ...images(png),
    });
    expect(byVersion.json()).toMatchObject({
      version: 2,
      results: [{ predictions: [{ label: 'v2-light' }] }],
    });
    const byAlias = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?topk=1',
      ...multipartBody([
        { name: 'alias', value: 'canary' },
        { name: 'model', value: 'digits-cnn' },
        { name: 'image', filename: 'a.png', data: png },
      ]),
    });
    expect(byAlias.json()).toMatchObject({ version: 2, results: [{ predictions: [{ label: 'v2-light' }] }] });
    const pinned = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?version=1&topk=1',
      ...images(png),
    });
    expect(pinned.json()).toMatchObject({ version: 1, results: [{ predictions: [{ label: 'light' }] }] });
  });

  it('answers 409 TASK_MISMATCH when the model solves another task', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/detect?model=digits-cnn',
      ...images(await whitePng()),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TASK_MISMATCH' });
    expect(res.json().error).toContain('/v1/classify');
  });

  it('answers 404 MODEL_NOT_FOUND on task routes whose model is not published', async () => {
    for (const task of ['localize', 'detect', 'segment', 'caption']) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/${task}`, ...images(await whitePng()) });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('MODEL_NOT_FOUND');
    }
  });
});

describe('digit models', () => {
  let t: TestApp;
  // Two clean 28x28 MNIST-style strokes: a "1" (vertical bar) and a "0" (ring), light on black.
  const bar = Float32Array.from({ length: 784 }, (_, i) =>
    Math.abs((i % 28) - 14) < 2 && i / 28 >= 4 && i / 28 < 24 ? 1 : 0,
  );
  const ring = Float32Array.from({ length: 784 }, (_, i) => {
    const r = Math.hypot((i % 28) - 13.5, Math.floor(i / 28) - 13.5);
    return r > 6 && r < 9.5 ? 1 : 0;
  });
  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        const common = {
          centroids: [ring, bar],
          labels: ['0', '1'],
        };
        const size = { channels: 1, height: 28, width: 28 };
        await publishTest(registry, 'digits-cnn', {
          ...common,
          inputSpec: { ...size, format: 'mnist-digit' },
        });
        await publishTest(registry, 'plain-cnn', { ...common, inputSpec: size });
      },
    });
  });
  afterAll(() => t.close());

  it('reads dark ink on light paper, off-centre and large, as MNIST digits', async () => {
    // A thin dark bar in the left third of a light 300x200 photo: a "1" written on paper.
    const photo = await greyImage(
      300,
      200,
      (x, y) => (x >= 60 && x < 75 && y >= 30 && y < 170 ? 30 : 235),
      'jpeg',
    );
    const digit = await t.app.inject({ method: 'POST', url: '/v1/classify?topk=1', ...images(photo) });
    expect(digit.json().results[0].predictions[0].label).toBe('1');
    const plain = await t.app.inject({
      method: 'POST',
      url: '/v1/classify?topk=1&model=plain-cnn',
      ...images(photo),
    });
    expect(plain.json().results[0].predictions[0].label).toBe('0');
  });
});

describe('the other task routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-localizer', {
          type: 'test-localizer',
          task: 'localize',
          labels: ['blob'],
          inputSpec: sceneSpec,
        });
        await publishTest(registry, 'digits-faster-rcnn', {
          type: 'test-detector',
          task: 'detect',
          labels: ['blob', 'noise'],
          inputSpec: sceneSpec,
        });
        await publishTest(registry, 'digits-mask-rcnn', {
          type: 'test-detector',
          task: 'segment',
          labels: ['blob', 'noise'],
          inputSpec: sceneSpec,
        });
        await publishTest(registry, 'digits-captioner', {
          type: 'test-captioner',
          task: 'caption',
          labels: ['1', '2'],
          inputSpec: sceneSpec,
        });
      },
    });
  });
  afterAll(() => t.close());

  it('localize gives one box in pixels of the upload', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/localize', ...images(await scene()) });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0]).toEqual({
      image: { width: 64, height: 48 },
      label: 'blob',
      index: 0,
      score: 0.75,
      box: [16, 12, 48, 36],
    });
  });

  it('detect applies scoreThreshold and maxDetections and sorts by score', async () => {
    const upload = images(await scene());
    const strict = await t.app.inject({ method: 'POST', url: '/v1/detect', ...upload });
    expect(strict.json().results[0].detections).toEqual([
      { label: 'blob', index: 0, score: 0.9, box: [16, 12, 48, 36] },
    ]);
    const loose = await t.app.inject({ method: 'POST', url: '/v1/detect?scoreThreshold=0.1', ...upload });
    expect(loose.json().results[0].detections.map((d: { label: string }) => d.label)).toEqual([
      'blob',
      'noise',
    ]);
    expect(loose.json().results[0].detections[1].box).toEqual([0, 0, 8, 6]);
    const one = await t.app.inject({
      method: 'POST',
      url: '/v1/detect?scoreThreshold=0.1&maxDetections=1',
      ...upload,
    });
    expect(one.json().results[0].detections).toHaveLength(1);
  });

  it('segment returns COCO RLE masks in image coordinates', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/segment', ...images(await scene()) });
    expect(res.statusCode).toBe(200);
    const [detection] = res.json().results[0].detections;
    expect(detection.mask.size).toEqual([48, 64]);
    const mask = decodeMask(detection.mask);
    const expected = Uint8Array.from({ length: 48 * 64 }, (_, i) => {
      const [x, y] = [i % 64, Math.floor(i / 64)];
      return x >= 16 && x < 48 && y >= 12 && y < 36 ? 1 : 0;
    });
    expect(mask).toEqual(expected);
  });

  it('caption joins the tokens, passes the beam width and adds attention only when asked', async () => {
    const upload = images(await leftHalfPng(40, 40));
    const plain = await t.app.inject({ method: 'POST', url: '/v1/caption', ...upload });
    expect(plain.json().results[0]).toEqual({
      image: { width: 40, height: 40 },
      caption: '1 2',
      tokens: ['1', '2'],
      score: -1,
    });
    const beam = await t.app.inject({ method: 'POST', url: '/v1/caption?beam=4&attention=true', ...upload });
    expect(beam.json().results[0]).toMatchObject({
      score: -0.25,
      attention: [
        [0.75, 0.25],
        [0.25, 0.75],
      ],
    });
  });

  it('caption says where the attention grid lies in the upload, so each cell maps to upload pixels', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/caption?attention=true',
      ...images(await leftHalfPng(60, 30)),
    });
    expect(res.json().results[0].attentionGrid).toEqual({ size: [1, 2], box: [0, 0, 60, 30] });
  });
});

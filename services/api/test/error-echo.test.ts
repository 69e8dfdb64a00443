import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { JobService } from '@ocellus/api';
import { multipartBody } from '@ocellus/api/testing';
import { FileJobStore } from '@ocellus/jobs/file-store';
import { greyImage } from '@ocellus/vision/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

/** 100 KB of markup, as a hostile client would send to have it reflected in an error page. */
const HTML = `<html><body>${'<p onclick="steal()">ocellus-echo-probe</p>'.repeat(2500)}</body></html>`;

function expectNoEcho(res: { body: string }) {
  expect(res.body.length).toBeLessThan(2000);
  for (const piece of ['echo-probe', '<p', '<html', 'onclick', 'steal()'])
    expect(res.body).not.toContain(piece);
}

describe('errors never echo the client', () => {
  let t: TestApp;
  let png: Buffer;

  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'digits-cnn', { alias: null });
      },
      trainingJobs: async (config) =>
        new JobService(
          await FileJobStore.open(config.registryRoot),
          { enqueue: async () => {}, dequeue: async () => true, close: async () => {} },
          config.jobs.maxEpochs,
        ),
    });
    png = await greyImage(16, 16, (x, y) => (x * y) % 256);
  });
  afterAll(() => t.close());

  const send = async (request: InjectOptions, status: number): Promise<LightMyRequestResponse> => {
    const res = await t.app.inject(request);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    expectNoEcho(res);
    return res;
  };
  const html = encodeURIComponent(HTML);

  it('in a query parameter, its name, or the path', async () => {
    await send({ method: 'POST', url: `/v1/classify?model=${html}`, ...images(png) }, 400);
    await send({ method: 'POST', url: `/v1/classify?topk=${html}`, ...images(png) }, 400);
    await send({ method: 'POST', url: `/v1/classify?${html}=1`, ...images(png) }, 400);
    // Past Fastify's 100-character path parameter: 414, with the code like every other error.
    await send({ method: 'GET', url: `/v1/models/${html}` }, 414);
    await send({ method: 'GET', url: `/${html}` }, 404);
    await send({ method: 'GET', url: `/v1/models/%E0%A4%A${html.slice(0, 60)}` }, 400);
  });

  it('in a multipart field, its name, or a file field name', async () => {
    const form = (parts: Parameters<typeof multipartBody>[0]) => ({
      method: 'POST' as const,
      url: '/v1/classify',
      ...multipartBody([...parts, { name: 'image', filename: 'a.png', data: png }]),
    });
    await send(form([{ name: 'model', value: HTML }]), 413);
    await send(form([{ name: 'topk', value: HTML.slice(0, 900) }]), 400);
    await send(form([{ name: HTML, value: '1' }]), 400);
    await send(form([{ name: HTML.slice(0, 60), value: '1' }]), 400);
    await send(form([{ name: HTML, filename: 'b.png', data: png }]), 400);
  });

  it('in a JSON body: values, unknown keys, record keys, OIP tensor and output names', async () => {
    const spec = {
      task: 'classify',
      model: 'digits-test',
      architecture: { type: 'linear', loss: 'softmax' },
    };
    const post = (url: string, payload: object) => ({ method: 'POST' as const, url, payload });
    await send(post('/v1/jobs', { ...spec, model: HTML }), 400);
    await send(post('/v1/jobs', { ...spec, architecture: { type: 'linear', loss: HTML } }), 400);
    await send(post('/v1/jobs', { ...spec, search: { space: { [HTML]: [1, 2, 'log'] } } }), 400);
    await send(post('/v1/jobs', { ...spec, optimizer: { type: HTML } }), 400);
    const tensor = { name: 'input', shape: [1, 1, 8, 8], datatype: 'FP32', data: Array(64).fill(0) };
    const infer = '/v2/models/digits-cnn/infer';
    await send(post(infer, { inputs: [{ ...tensor, name: HTML }] }), 400);
    await send(post(infer, { inputs: [{ ...tensor, name: HTML.slice(0, 200), shape: [1, 3, 3] }] }), 400);
    await send(post(infer, { inputs: [tensor], outputs: [{ name: HTML }] }), 400);
    await send(
      { method: 'POST', url: infer, headers: { 'content-type': 'application/json' }, payload: HTML },
      400,
    );
  });

  it("words an unreadable image's error itself: no libvips message, no server path", async () => {
    const damaged = Buffer.from(png);
    damaged.fill(0x55, 60, png.length - 20);
    const header = Buffer.concat([png.subarray(0, 20), Buffer.alloc(40, 7)]);
    for (const bytes of [damaged, header, png.subarray(0, png.length - 30)]) {
      const res = await send({ method: 'POST', url: '/v1/classify', ...images(bytes) }, 400);
      expect(res.json().code).toBe('IMAGE_DECODE_FAILED');
      expect(res.json().error).not.toMatch(/vips|libpng|\//i);
    }
  });

  it("keeps the registry's paths out of a model that cannot be loaded", async () => {
    await writeFile(join(t.config.registryRoot, 'digits-cnn', '2', 'model.safetensors'), Buffer.alloc(64, 1));
    const res = await send({ method: 'POST', url: '/v1/classify?version=2', ...images(png) }, 503);
    expect(res.json().code).toBe('MODEL_UNAVAILABLE');
    expect(res.body).not.toContain(t.config.registryRoot);
    expect(res.body).not.toMatch(/\/[\w.-]+\/[\w.-]+/);
  });
});

describe('headers over the size limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => t.close());

  it('answers 431 HEADERS_TOO_LARGE as JSON with a code, without echoing them', async () => {
    const { port } = t.app.server.address() as { port: number };
    const socket = connect({ host: '127.0.0.1', port });
    socket.write(`GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Probe: ${HTML}\r\n\r\n`);
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 5 s')), 5000);
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const reply = Buffer.concat(chunks).toString('utf8');
    const [head = '', body = ''] = reply.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(JSON.parse(body)).toMatchObject({ code: 'HEADERS_TOO_LARGE', error: expect.any(String) });
    expectNoEcho({ body: reply });
  });
});

import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { type MultipartPart, multipartBody } from '@ocellus/api/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest } from './helpers/registry.js';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: { error?: string; code?: string };
}

/** POSTs over a bare socket, declaring `declaredBytes` of body but sending only `sent`, and reads the reply. */
function rawPost(
  url: string,
  path: string,
  declaredBytes: number,
  sent: Buffer = Buffer.alloc(0),
  contentType = 'image/png',
): Promise<RawReply> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error('no reply in 5 s')));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const body = received.subarray(end + 4);
      if (body.length < Number(headers['content-length'])) return;
      socket.destroy();
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: JSON.parse(body.toString('utf8')),
      });
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${contentType}\r\ncontent-length: ${declaredBytes}\r\n\r\n`,
    );
    if (sent.length > 0) socket.write(sent);
  });
}

/** Opens a POST that declares a body and sends part of it, then leaves the socket to the caller. */
async function halfUpload(url: string, path: string): Promise<net.Socket> {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: image/png\r\ncontent-length: 100000\r\n\r\n`,
  );
  socket.write(Buffer.alloc(1000));
  return socket;
}

async function eventually(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const slow = (delayMs: number) => ({ type: 'test-slow', architecture: { delayMs } });

describe('admission control on the inference routes', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function listening(env: Record<string, string>, delayMs = 400): Promise<string> {
    t = await testApp({
      env,
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn', slow(delayMs));
        await publishTest(registry, 'other', slow(delayMs));
      },
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  }

  const classify = async (url: string, query = '') =>
    fetch(`${url}/v1/classify${query}`, { method: 'POST', ...images(await whitePng()) });

  it('answers 503 OVERLOADED with Retry-After at once, without reading the body, past OCELLUS_MAX_INFLIGHT', async () => {
    const url = await listening({ OCELLUS_MAX_INFLIGHT: '1' });
    const held = classify(url);
    await eventually('the first request to be admitted', () => t!.app.inFlight.count === 1);
    const started = performance.now();
    const refused = await rawPost(url, '/v1/classify', 5_000_000);
    expect(performance.now() - started).toBeLessThan(200);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.code).toBe('OVERLOADED');
    expect(refused.body.error).toContain('OCELLUS_MAX_INFLIGHT');
    const oip = await rawPost(url, '/v2/models/other/versions/1/infer', 5_000_000);
    expect([oip.status, oip.body.code]).toEqual([503, 'OVERLOADED']);
    expect((await held).status).toBe(200);
    expect(t!.app.inFlight.count).toBe(0);
  });

  it('bounds each model by OCELLUS_MAX_INFLIGHT_PER_MODEL while other models are still admitted', async () => {
    const url = await listening({ OCELLUS_MAX_INFLIGHT: '8', OCELLUS_MAX_INFLIGHT_PER_MODEL: '1' });
    const held = classify(url);
    await eventually('digits-cnn to be in flight', () => t!.app.inFlight.countOf('digits-cnn') === 1);
    const sameModel = await rawPost(url, '/v1/classify?model=digits-cnn', 1000);
    expect([sameModel.status, sameModel.body.code]).toEqual([503, 'OVERLOADED']);
    expect(sameModel.body.error).toContain('OCELLUS_MAX_INFLIGHT_PER_MODEL');
    const oipSameModel = await rawPost(url, '/v2/models/digits-cnn/infer', 1000);
    expect(oipSameModel.status).toBe(503);
    const otherModel = await classify(url, '?model=other');
    expect(otherModel.status).toBe(200);
    expect((await held).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^ocellus_requests_shed_total\{reason="inflight_model"\} 2$/m);
    expect(metrics).toMatch(/^ocellus_requests_in_flight 0$/m);
  });

  it('counts a model named only by a multipart field against that model, not the default', async () => {
    const url = await listening({ OCELLUS_MAX_INFLIGHT: '8', OCELLUS_MAX_INFLIGHT_PER_MODEL: '1' }, 1000);
    const png = await whitePng();
    const upload = async (parts: MultipartPart[]) => {
      const reply = await fetch(`${url}/v1/classify`, { method: 'POST', ...multipartBody(parts) });
      return { status: reply.status, body: (await reply.json()) as { model?: string; code?: string } };
    };
    const image = { name: 'image', filename: 'white.png', data: png };
    const held = upload([{ name: 'model', value: 'other' }, image]);
    await eventually('other to be in flight', () => t!.app.inFlight.countOf('other') === 1);
    expect(t!.app.inFlight.countOf('digits-cnn')).toBe(0);

    const fieldFirst = await upload([{ name: 'model', value: 'other' }, image]);
    expect([fieldFirst.status, fieldFirst.body.code]).toEqual([503, 'OVERLOADED']);
    const fieldLast = await upload([image, { name: 'model', value: 'other' }]);
    expect([fieldLast.status, fieldLast.body.code]).toEqual([503, 'OVERLOADED']);
    const defaultModel = await upload([image]);
    expect([defaultModel.status, defaultModel.body.model]).toEqual([200, 'digits-cnn']);

    expect((await held).status).toBe(200);
    expect([t!.app.inFlight.count, t!.app.inFlight.countOf('other')]).toEqual([0, 0]);
  });

  it('refuses a model named by a field that precedes the image before the image is read', async () => {
    const url = await listening({ OCELLUS_MAX_INFLIGHT: '8', OCELLUS_MAX_INFLIGHT_PER_MODEL: '1' }, 1000);
    const held = classify(url, '?model=other');
    await eventually('other to be in flight', () => t!.app.inFlight.countOf('other') === 1);
    const { body, headers } = multipartBody([
      { name: 'model', value: 'other' },
      { name: 'image', filename: 'large.png', data: Buffer.alloc(5_000_000) },
    ]);
    const contentType = headers['content-type'];
    const refused = await rawPost(url, '/v1/classify', body.length, body.subarray(0, 1000), contentType);
    expect([refused.status, refused.body.code]).toEqual([503, 'OVERLOADED']);
    expect(refused.body.error).toContain('OCELLUS_MAX_INFLIGHT_PER_MODEL');
    expect((await held).status).toBe(200);
    expect(t!.app.inFlight.count).toBe(0);
  });

  it('gives every slot back after a success, a 4xx and a client that goes away', async () => {
    const url = await listening({ OCELLUS_MAX_INFLIGHT: '1' }, 300);
    expect((await classify(url)).status).toBe(200);
    expect((await classify(url, '?model=no-such-model')).status).toBe(404);
    const noImage = await fetch(`${url}/v1/classify`, { method: 'POST' });
    expect(noImage.status).toBe(400);
    expect(t!.app.inFlight.count).toBe(0);

    // Gone mid-upload: the handler is still reading the body when the socket closes.
    const socket = await halfUpload(url, '/v1/classify');
    await eventually('the half upload to be admitted', () => t!.app.inFlight.count === 1);
    socket.destroy();
    await eventually('the half upload to be released', () => t!.app.inFlight.count === 0);

    // Gone mid-inference: the slot goes with the socket, and the reply written later gives nothing back twice.
    const controller = new AbortController();
    const aborted = fetch(`${url}/v1/classify`, {
      method: 'POST',
      ...images(await whitePng()),
      signal: controller.signal,
    }).catch(() => 'aborted');
    await eventually('the request to be admitted', () => t!.app.inFlight.count === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await aborted).toBe('aborted');
    await eventually('the aborted request to be released', () => t!.app.inFlight.count === 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(t!.app.inFlight.count).toBe(0);
    expect(t!.app.inFlight.countOf('digits-cnn')).toBe(0);

    // Released exactly once: with a bound of 1, two at once still means one refused.
    const both = await Promise.all([classify(url), classify(url)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 503]);
    expect(t!.app.inFlight.count).toBe(0);
  });

  it('does not count other routes: health answers while inference is at its bound', async () => {
    const url = await listening({ OCELLUS_MAX_INFLIGHT: '1' });
    const held = classify(url);
    await eventually('the request to be admitted', () => t!.app.inFlight.count === 1);
    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/v1/models`)).status).toBe(200);
    await held;
  });

  it("counts the batcher's own OVERLOADED refusals as shed by the queue", async () => {
    t = await testApp({
      env: { OCELLUS_MAX_INFLIGHT: '8', OCELLUS_QUEUE_LIMIT: '1', OCELLUS_MAX_BATCH_SIZE: '1' },
      seed: (registry) => publishTest(registry, 'digits-cnn', slow(300)),
    });
    const png = await whitePng();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => t!.app.inject({ method: 'POST', url: '/v1/classify', ...images(png) })),
    );
    const refused = responses.filter((r) => r.statusCode === 503).length;
    expect(refused).toBeGreaterThan(0);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`ocellus_requests_shed_total{reason="queue"} ${refused}`);
    expect(metrics).toMatch(/^ocellus_requests_in_flight 0$/m);
  });

  it('counts in-flight requests through app.inject too', async () => {
    t = await testApp({
      env: { OCELLUS_MAX_INFLIGHT: '2' },
      seed: (registry) => publishTest(registry, 'digits-cnn', slow(300)),
    });
    const png = await whitePng();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => t!.app.inject({ method: 'POST', url: '/v1/classify', ...images(png) })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 503, 503]);
    const refused = responses.find((r) => r.statusCode === 503)!;
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ code: 'OVERLOADED' });
    expect(t.app.inFlight.count).toBe(0);
  });
});

describe('the decode semaphore', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('runs at most OCELLUS_MAX_DECODES at once, first come first served, and refuses past the wait list', async () => {
    t = await testApp({ env: { OCELLUS_MAX_DECODES: '2', OCELLUS_MAX_DECODES_WAITING: '3' } });
    const slots = t.app.decodeSlots;
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const decode = (i: number) =>
      slots.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i;
      });
    const accepted = [0, 1, 2, 3, 4].map(decode);
    expect([slots.active, slots.queued]).toEqual([2, 3]);
    await expect(decode(5)).rejects.toMatchObject({ statusCode: 503, code: 'OVERLOADED' });
    expect(() => slots.reserve(1)).toThrow(/OCELLUS_MAX_DECODES_WAITING/);
    while (gates.length > 0 || running > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await Promise.all(accepted)).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect([slots.active, slots.queued]).toEqual([0, 0]);
  });

  it('gives the slot back when a decode fails', async () => {
    t = await testApp({ env: { OCELLUS_MAX_DECODES: '1', OCELLUS_MAX_DECODES_WAITING: '0' } });
    const slots = t.app.decodeSlots;
    await expect(slots.run(() => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(slots.active).toBe(0);
    expect(await slots.run(async () => 'next')).toBe('next');
  });
});

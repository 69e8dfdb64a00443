import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REGISTRY_EVENTS_CHANNEL } from '@ocellus/contracts';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDigits } from './helpers/digits.js';
import { type TempRegistry, tempRegistry, tinyDigitsSpec, trainTinyDigits } from './helpers/registry.js';
import { parseSafetensors } from './helpers/safetensors.js';
import { eventually, type RunningServer, startServer } from './helpers/server.js';

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PUBLISH_PROCESS = fileURLToPath(new URL('./helpers/publish-process.mjs', import.meta.url));
// A name of its own, so the Redis channel (shared by every server on this Redis) is read unambiguously.
const MODEL = `digits-${randomUUID().slice(0, 8)}`;

describe('the registry routes of a listening server', () => {
  let temp: TempRegistry;
  let server: RunningServer;
  let redis: Redis;
  const events: unknown[] = [];
  let digit: Buffer;

  const classify = (query: string) =>
    request(server.url)
      .post(`/v1/classify?model=${MODEL}${query}`)
      .set('content-type', 'image/png')
      .send(digit);
  const moveAlias = (alias: string, version: number) =>
    request(server.url)
      .put(`/v1/models/${MODEL}/aliases/${alias}`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .send({ version });

  beforeAll(async () => {
    temp = await tempRegistry();
    await trainTinyDigits(temp.registry, { model: MODEL, promote: 'production' });
    redis = new Redis(REDIS_URL);
    redis.on('message', (_channel: string, text: string) => {
      const message = JSON.parse(text) as { event: { name: string } };
      if (message.event.name === MODEL) events.push(message.event);
    });
    await redis.subscribe(REGISTRY_EVENTS_CHANNEL);
    server = await startServer({
      OCELLUS_REGISTRY_ROOT: temp.root,
      OCELLUS_ADMIN_KEYS: ADMIN_KEY,
      REDIS_URL,
    });
    const [first] = await testDigits(1);
    digit = first?.bytes ?? Buffer.alloc(0);
  });
  afterAll(async () => {
    redis?.disconnect();
    expect(await server?.stop()).toBe(0);
    await temp?.cleanup();
  });

  it('lists, describes and shows the manifest of the trained version', async () => {
    const list = await request(server.url).get('/v1/models').expect(200);
    expect(list.body).toEqual([
      {
        name: MODEL,
        task: 'classify',
        architecture: expect.objectContaining({ type: 'mlp' }),
        versions: [1],
        aliases: { production: 1 },
      },
    ]);
    const detail = await request(server.url).get(`/v1/models/${MODEL}`).expect(200);
    expect(detail.body.manifests).toEqual([
      expect.objectContaining({
        version: 1,
        aliases: ['production'],
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    expect(detail.body.manifests[0].metrics.testAccuracy).toBeGreaterThan(0.8);
    const manifest = await request(server.url).get(`/v1/models/${MODEL}/versions/1`).expect(200);
    expect(manifest.body).toMatchObject({
      name: MODEL,
      version: 1,
      task: 'classify',
      inputSpec: { channels: 1, height: 28, width: 28 },
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
  });

  it('downloads the weights as a safetensors file matching the manifest checksum', async () => {
    const manifest = (await request(server.url).get(`/v1/models/${MODEL}/versions/1`)).body;
    const res = await request(server.url).get(`/v1/models/${MODEL}/versions/1/weights`).expect(200);
    const file = res.body as Buffer;
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(file.length).toBe(manifest.weights.bytes);
    expect(createHash('sha256').update(file).digest('hex')).toBe(manifest.weights.sha256);
    const tensors = parseSafetensors(file);
    const hiddenWeights = Object.values(tensors).find((t) => t.shape.length === 2 && t.shape.includes(784));
    expect(hiddenWeights?.dtype).toBe('F32');
    expect(hiddenWeights?.shape).toContain(64);
  });

  it('serves a version another process publishes, without a restart', async () => {
    const spec = tinyDigitsSpec({ model: MODEL, seed: 3, promote: 'canary' });
    const { stdout } = await promisify(execFile)(process.execPath, [
      PUBLISH_PROCESS,
      temp.root,
      JSON.stringify(spec),
    ]);
    expect(JSON.parse(stdout)).toEqual({ version: 2 });
    const list = await request(server.url).get('/v1/models').expect(200);
    expect(list.body[0]).toMatchObject({ versions: [1, 2], aliases: { production: 1, canary: 2 } });
    expect((await classify('&alias=canary').expect(200)).body.version).toBe(2);
    expect((await classify('&version=2').expect(200)).body.version).toBe(2);
    expect((await classify('').expect(200)).body.version).toBe(1);
  });

  it('promotes and rolls back live: in-flight traffic never fails, the reply names the previous version', async () => {
    await request(server.url).put(`/v1/models/${MODEL}/aliases/production`).send({ version: 2 }).expect(401);
    const traffic = Promise.all(Array.from({ length: 24 }, () => classify('')));
    const promoted = await moveAlias('production', 2).expect(200);
    expect(promoted.body).toEqual({ name: MODEL, alias: 'production', version: 2, previous: 1 });
    const during = await traffic;
    expect(during.map((r) => r.status)).toEqual(during.map(() => 200));
    expect((await classify('').expect(200)).body.version).toBe(2);

    const rolledBack = await moveAlias('production', 1).expect(200);
    expect(rolledBack.body).toMatchObject({ version: 1, previous: 2 });
    expect((await classify('').expect(200)).body.version).toBe(1);
    await eventually('the alias moves on Redis', () => events.length >= 2);
    expect(events.slice(0, 2)).toEqual([
      { kind: 'alias', name: MODEL, alias: 'production', version: 2 },
      { kind: 'alias', name: MODEL, alias: 'production', version: 1 },
    ]);
    const missing = await moveAlias('production', 99).expect(404);
    expect(missing.body.code).toBe('MODEL_NOT_FOUND');
  });

  it('refuses to delete an aliased version, deletes it once no alias points at it', async () => {
    const del = (version: number) =>
      request(server.url)
        .delete(`/v1/models/${MODEL}/versions/${version}`)
        .set('authorization', `Bearer ${ADMIN_KEY}`);
    const inUse = await del(1).expect(409);
    expect(inUse.body).toMatchObject({
      code: 'VERSION_IN_USE',
      error: expect.stringContaining('production'),
    });
    expect((await del(2).expect(409)).body.error).toContain('canary');

    await moveAlias('canary', 1).expect(200);
    await del(2).expect(204);
    expect((await classify('&version=2').expect(404)).body.code).toBe('MODEL_NOT_FOUND');
    expect((await request(server.url).get('/v1/models').expect(200)).body[0].versions).toEqual([1]);
    await eventually('the delete on Redis', () =>
      events.some((e) => JSON.stringify(e) === JSON.stringify({ kind: 'deleted', name: MODEL, version: 2 })),
    );
    expect((await classify('').expect(200)).body.version).toBe(1);
  });
});

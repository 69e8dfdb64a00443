import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { openJobService } from '@ocellus/api';
import type { JobSpecInput } from '@ocellus/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { freePort, type RedisServer, startRedisServer } from './helpers/redis-server.js';
import { publishTest } from './helpers/registry.js';

const spec: JobSpecInput = {
  task: 'classify',
  model: 'digits-test',
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
  schedule: { epochs: 2, batchSize: 16 },
};

type Method = 'GET' | 'POST';

/** Every job route, for the job `id`. */
const jobRoutes = (id: string): [Method, string, object?][] => [
  ['POST', '/v1/jobs', spec],
  ['GET', '/v1/jobs'],
  ['GET', `/v1/jobs/${id}`],
  ['POST', `/v1/jobs/${id}/cancel`],
  ['GET', `/v1/jobs/${id}/events`],
];

let t: TestApp | undefined;
let redis: RedisServer | undefined;

afterEach(async () => {
  await t?.close();
  await redis?.kill();
  t = undefined;
  redis = undefined;
});

/** The app in queue mode on the Redis at `port` (up or not), with a model to serve and a fresh key prefix. */
async function start(port: number, env: Record<string, string> = {}): Promise<TestApp> {
  t = await testApp({
    env: {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      OCELLUS_QUEUE_PREFIX: `ocellus-outage-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ...env,
    },
    trainingJobs: openJobService,
    seed: (registry) => publishTest(registry, 'digits'),
  });
  return t;
}

async function timed(app: TestApp['app'], method: Method, url: string, payload?: object) {
  const started = performance.now();
  const reply = await app.inject({ method, url, ...(payload ? { payload } : {}) });
  return { reply, ms: performance.now() - started };
}

/** Asks every job route; returns the slowest answer in ms. */
async function expectQueueUnavailable(app: TestApp['app'], id: string): Promise<number> {
  let slowest = 0;
  for (const [method, url, payload] of jobRoutes(id)) {
    const { reply, ms } = await timed(app, method, url, payload);
    expect({ route: `${method} ${url}`, status: reply.statusCode, code: reply.json().code }).toEqual({
      route: `${method} ${url}`,
      status: 503,
      code: 'QUEUE_UNAVAILABLE',
    });
    expect(reply.headers['retry-after']).toBe('1');
    expect(ms).toBeLessThan(1000);
    slowest = Math.max(slowest, ms);
  }
  return slowest;
}

/** Submits until the API takes the job again; returns how long that took. */
async function submitOnceBack(app: TestApp['app'], timeoutMs = 5000): Promise<{ id: string; ms: number }> {
  const started = performance.now();
  for (;;) {
    const reply = await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    if (reply.statusCode === 202) return { id: reply.json().id, ms: performance.now() - started };
    expect(reply.json().code).toBe('QUEUE_UNAVAILABLE');
    if (performance.now() - started > timeoutMs) throw new Error('the job routes did not recover');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const jobCounts = async (app: TestApp['app']) =>
  (await app.inject({ method: 'GET', url: '/metrics' })).body.match(/^ocellus_jobs\{.*$/gm) ?? [];

describe('job routes while the queue Redis is down', () => {
  it('answer 503 QUEUE_UNAVAILABLE within a second, while inference and /metrics keep working', async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    const { app } = await start(port);
    const submitted = await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    expect(submitted.statusCode).toBe(202);
    expect(await jobCounts(app)).toContain('ocellus_jobs{status="QUEUED"} 1');

    await redis.kill();
    const slowest = await expectQueueUnavailable(app, submitted.json().id);
    console.info(`Redis down: the slowest job route answered 503 in ${slowest.toFixed(0)} ms`);

    const classify = await app.inject({
      method: 'POST',
      url: '/v1/classify?model=digits',
      headers: { 'content-type': 'image/png' },
      payload: await whitePng(),
    });
    expect(classify.statusCode).toBe(200);
    expect(classify.json().results[0].predictions[0].label).toBe('light');
    expect(await jobCounts(app)).toEqual([]);
  });

  it('recover on their own once Redis is back', async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    const { app } = await start(port);
    await redis.kill();
    await expectQueueUnavailable(app, 'some-job');

    redis = await startRedisServer(port);
    const { id, ms } = await submitOnceBack(app);
    console.info(`Redis back: jobs accepted again after ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
    const record = await app.inject({ method: 'GET', url: `/v1/jobs/${id}` });
    expect([record.statusCode, record.json().status]).toEqual([200, 'QUEUED']);
    expect((await app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel` })).statusCode).toBe(202);
  });

  it('answer 503 within a second when Redis was never up, and start working when it comes up', async () => {
    const port = await freePort();
    const { app } = await start(port);
    await expectQueueUnavailable(app, 'some-job');

    redis = await startRedisServer(port);
    const { id } = await submitOnceBack(app);
    const listed = await app.inject({ method: 'GET', url: '/v1/jobs' });
    expect(listed.json().map((job: { id: string }) => job.id)).toEqual([id]);
  });
});

describe('the Redis guard settings', () => {
  it('give up a call Redis takes but never answers after OCELLUS_REDIS_CALL_TIMEOUT_MS', async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    const { app } = await start(port, {
      OCELLUS_REDIS_CALL_TIMEOUT_MS: '250',
      OCELLUS_REDIS_RECONNECT_WAIT_MS: '100',
    });
    expect((await app.inject({ method: 'GET', url: '/v1/jobs' })).statusCode).toBe(200);

    redis.pause();
    const { reply, ms } = await timed(app, 'GET', '/v1/jobs/some-job');
    expect([reply.statusCode, reply.json().code]).toEqual([503, 'QUEUE_UNAVAILABLE']);
    expect(ms).toBeGreaterThanOrEqual(240);
    // At the default 900 ms it would still be waiting.
    expect(ms).toBeLessThan(700);
    await redis.kill();
  });

  it('fail within a short OCELLUS_REDIS_RECONNECT_WAIT_MS while Redis is down', async () => {
    const { app } = await start(await freePort(), {
      OCELLUS_REDIS_RECONNECT_WAIT_MS: '50',
      OCELLUS_REDIS_CALL_TIMEOUT_MS: '100',
    });
    const { reply, ms } = await timed(app, 'GET', '/v1/jobs/some-job');
    expect([reply.statusCode, reply.json().code]).toEqual([503, 'QUEUE_UNAVAILABLE']);
    expect(ms).toBeGreaterThanOrEqual(45);
    // The default wait is 400 ms.
    expect(ms).toBeLessThan(350);
  });

  it('wait out a Redis that comes up within a long OCELLUS_REDIS_RECONNECT_WAIT_MS', async () => {
    const port = await freePort();
    const { app } = await start(port, {
      OCELLUS_REDIS_RECONNECT_WAIT_MS: '5000',
      OCELLUS_REDIS_CALL_TIMEOUT_MS: '6000',
    });
    const started = performance.now();
    const listed = app.inject({ method: 'GET', url: '/v1/jobs' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    redis = await startRedisServer(port);
    const reply = await listed;
    expect([reply.statusCode, reply.json()]).toEqual([200, []]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('reconnect at most OCELLUS_REDIS_RETRY_MAX_MS apart', async () => {
    // Takes each connection and closes it at once, so ioredis keeps retrying.
    let attempts = 0;
    const refusing = createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    refusing.listen(0, '127.0.0.1');
    await once(refusing, 'listening');
    const { port } = refusing.address() as AddressInfo;
    let made: number;
    try {
      await start(port, { OCELLUS_REDIS_RETRY_MAX_MS: '20' });
      const from = attempts;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      made = attempts - from;
    } finally {
      refusing.close();
    }
    // Two connections at the default 200 ms cap make about ten attempts a second; at 20 ms, about 75.
    expect(made).toBeGreaterThan(30);
  });
});

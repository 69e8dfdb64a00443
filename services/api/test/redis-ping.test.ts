import { openJobService } from '@ocellus/api';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { freePort, type RedisServer, startRedisServer } from './helpers/redis-server.js';

let t: TestApp | undefined;
let redis: RedisServer | undefined;

afterEach(async () => {
  await t?.close();
  await redis?.kill();
  t = undefined;
  redis = undefined;
});

async function readiness(app: TestApp['app']) {
  const started = performance.now();
  const reply = await app.inject({ method: 'GET', url: '/v2/health/ready' });
  return { status: reply.statusCode, body: reply.json(), ms: performance.now() - started };
}

/** The names of the connections Redis has open, this probe's own left out. */
async function clientNames(url: string): Promise<string[]> {
  const probe = new Redis(url, { connectionName: 'test-probe' });
  const list = (await probe.client('LIST')) as string;
  probe.disconnect();
  return [...list.matchAll(/ name=(\S*)/g)].map((m) => m[1] ?? '').filter((name) => name !== 'test-probe');
}

describe('GET /v2/health/ready with a queue', () => {
  it('pings the queue on the job service’s connections, opening none per check', async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    t = await testApp({ env: { REDIS_URL: redis.url }, trainingJobs: openJobService });
    expect(await readiness(t.app)).toMatchObject({ status: 200, body: { ready: true } });
    const before = await clientNames(redis.url);
    expect(before.sort()).toEqual(['ocellus-api-jobs-queue', 'ocellus-api-jobs-records']);
    for (let i = 0; i < 5; i++) expect((await readiness(t.app)).status).toBe(200);
    expect((await clientNames(redis.url)).sort()).toEqual(before);
  });

  it('reports the queue down within a second while Redis is down, and ready again once it is back', async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    t = await testApp({ env: { REDIS_URL: redis.url }, trainingJobs: openJobService });
    expect((await readiness(t.app)).status).toBe(200);

    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const down = await readiness(t.app);
      expect([down.status, down.body]).toEqual([503, { ready: false }]);
      expect(down.ms).toBeLessThan(1000);
    }

    redis = await startRedisServer(port);
    const deadline = performance.now() + 5000;
    let back = await readiness(t.app);
    while (back.status !== 200 && performance.now() < deadline) back = await readiness(t.app);
    expect([back.status, back.body]).toEqual([200, { ready: true }]);
  });
});

describe('GET /v2/health/ready without a queue', () => {
  it('is ready in embedded mode, where jobs train in this process', async () => {
    t = await testApp({ trainingJobs: openJobService });
    expect(await readiness(t.app)).toMatchObject({ status: 200, body: { ready: true } });
  });
});

import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobSpecInput } from '@ocellus/contracts';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDigits } from './helpers/digits.js';
import { followJob, type JobStreamEvent, midEpoch2 } from './helpers/events.js';
import {
  type ApiService,
  freePort,
  type Service,
  startApi,
  startRedis,
  startTrainerProcess,
} from './helpers/processes.js';
import { slowSpec, smallSpec } from './helpers/specs.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let dir: string;
let registryRoot: string;
let prefix: string;
const services: Service[] = [];
/** Private Redis servers, stopped after the processes that use them. */
const redisServers: Service[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocellus-e2e-jobs-'));
  registryRoot = join(dir, 'models');
  prefix = `ocellus-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
});

afterEach(async () => {
  for (const service of [...services.splice(0).reverse(), ...redisServers.splice(0)]) await service.stop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

/** Settings every process of a test shares: the registry, progress every 100 ms. */
const common = () => ({ OCELLUS_REGISTRY_ROOT: registryRoot, OCELLUS_PROGRESS_INTERVAL_MS: '100' });
/** Queue mode; a crashed trainer's job is taken over within about 4 s (lock 3 s + stalled check 1 s). */
const queued = (redisUrl = REDIS_URL) => ({
  ...common(),
  REDIS_URL: redisUrl,
  OCELLUS_QUEUE_PREFIX: prefix,
  OCELLUS_LOCK_DURATION_MS: '3000',
  OCELLUS_STALLED_INTERVAL_MS: '1000',
});

async function api(env: Record<string, string>): Promise<ApiService> {
  const service = await startApi(env);
  services.push(service);
  return service;
}

async function trainer(env: Record<string, string>): Promise<Service> {
  const service = await startTrainerProcess(env);
  services.push(service);
  return service;
}

async function submit(url: string, spec: JobSpecInput): Promise<string> {
  const reply = await request(url).post('/v1/jobs').send(spec).expect(202);
  expect(reply.body.status).toBe('QUEUED');
  return reply.body.id;
}

const job = async (url: string, id: string) => (await request(url).get(`/v1/jobs/${id}`).expect(200)).body;

/** The job's events after the one where the test broke something. */
const after = (events: JobStreamEvent[], mark: JobStreamEvent | undefined) =>
  events.slice(mark ? events.indexOf(mark) + 1 : 0);

/** The run went on from the epoch-1 checkpoint: a new attempt that resumed, and no epoch 1 again. */
function expectResumedFromEpoch1(events: JobStreamEvent[]) {
  const messages = events.filter((e) => e.event === 'log').map((e) => e.data.message as string);
  expect(messages).toContain('attempt 2 started');
  expect(messages.some((m) => m.startsWith('resuming from the checkpoint'))).toBe(true);
  const progress = events.filter((e) => e.event === 'progress' && e.data.phase === 'TRAINING');
  expect(progress[0]?.data.epoch).toBe(2);
  expect(progress.every((e) => e.data.epoch >= 2)).toBe(true);
  expect(events.at(-1)?.event).toBe('completed');
}

/** Submit, watch the stream to its end, see the version listed and served; returns seconds POST -> served. */
async function trainAndServe(url: string): Promise<number> {
  const started = performance.now();
  const id = await submit(url, smallSpec('digits-e2e'));
  const events = await followJob(url, id);
  expect(events.at(-1)).toMatchObject({
    event: 'completed',
    data: { result: { model: 'digits-e2e', version: 1 } },
  });
  const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
  expect(progress.some((p) => p.phase === 'TRAINING' && p.epoch === 2)).toBe(true);
  expect(progress.map((p) => p.percent)).toEqual(progress.map((p) => p.percent).sort((a, b) => a - b));
  expect(events.some((e) => e.event === 'log' && /test accuracy/.test(e.data.message))).toBe(true);

  const digits = await testDigits(10);
  let correct = 0;
  let served = 0;
  for (const { png, label } of digits) {
    const reply = await request(url)
      .post('/v1/classify?model=digits-e2e')
      .type('image/png')
      .send(png)
      .expect(200);
    served ||= performance.now();
    expect(reply.body).toMatchObject({ model: 'digits-e2e', version: 1 });
    if (reply.body.results[0].predictions[0].label === label) correct++;
  }
  expect(correct).toBeGreaterThanOrEqual(6);

  expect(await job(url, id)).toMatchObject({ status: 'SUCCEEDED', attemptsMade: 1, result: { version: 1 } });
  expect((await job(url, id)).history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2]);
  const models = (await request(url).get('/v1/models').expect(200)).body;
  expect(models).toMatchObject([{ name: 'digits-e2e', versions: [1], aliases: { production: 1 } }]);
  return (served - started) / 1000;
}

/** Cancels a running job through `canceller` (maybe another replica): CANCELLED within seconds, no model. */
async function cancelRunning(owner: string, canceller: string) {
  const id = await submit(owner, slowSpec('digits-cancelled'));
  let cancelledAt = 0;
  const events = await followJob(owner, id, {
    onEvent: async (event) => {
      if (event.event !== 'progress' || cancelledAt > 0) return false;
      cancelledAt = performance.now();
      const reply = await request(canceller).post(`/v1/jobs/${id}/cancel`).expect(202);
      expect(['CANCELLING', 'CANCELLED']).toContain(reply.body.status);
      return false;
    },
  });
  expect(events.at(-1)).toMatchObject({ event: 'failed', data: { reason: 'cancelled' } });
  expect(performance.now() - cancelledAt).toBeLessThan(5000);
  expect(await job(canceller, id)).toMatchObject({ status: 'CANCELLED', result: null });
  expect((await request(owner).get('/v1/models').expect(200)).body).toEqual([]);
  const entries = await readdir(registryRoot).catch(() => []);
  expect(entries.filter((name) => !name.startsWith('.'))).toEqual([]);
}

describe('training jobs, queue mode (API and trainer processes on Redis)', () => {
  it('streams a job to SUCCEEDED and serves the new version without a restart', async () => {
    const server = await api(queued());
    await trainer(queued());
    const seconds = await trainAndServe(server.url);
    console.info(`queue mode: POST /v1/jobs -> new version served in ${seconds.toFixed(2)} s`);
  });

  it('cancels a running job from a second API instance', async () => {
    const [first, second] = [await api(queued()), await api(queued())];
    await trainer(queued());
    await cancelRunning(first.url, second.url);
  });

  it('resumes from the epoch-1 checkpoint when the trainer is killed in epoch 2, publishing one version', async () => {
    const server = await api(queued());
    const doomed = await trainer(queued());
    const id = await submit(server.url, slowSpec('digits-crash'));
    let kill: JobStreamEvent | undefined;
    const events = await followJob(server.url, id, {
      onEvent: async (event) => {
        if (kill === undefined && midEpoch2(event)) {
          kill = event;
          await doomed.kill();
          await trainer(queued());
        }
        return false;
      },
    });
    expect(kill).toBeDefined();
    expectResumedFromEpoch1(after(events, kill));
    const record = await job(server.url, id);
    expect(record).toMatchObject({ status: 'SUCCEEDED', result: { version: 1 } });
    expect(record.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2, 3]);
    const detail = (await request(server.url).get('/v1/models/digits-crash').expect(200)).body;
    expect(detail.versions).toEqual([1]);
    expect(detail.manifests[0].trainingJobId).toBe(id);
  });

  it('finishes a job across a Redis restart: the trainer and the API reconnect', async () => {
    const port = await freePort();
    const redisDir = join(dir, 'redis');
    await mkdir(redisDir);
    const redis = await startRedis(port, redisDir);
    redisServers.push(redis);
    const url = `redis://127.0.0.1:${port}`;
    const server = await api(queued(url));
    const worker = await trainer(queued(url));
    const id = await submit(server.url, slowSpec('digits-redis'));
    let restarted = false;
    await followJob(server.url, id, {
      onEvent: async (event) => {
        if (event.event !== 'progress' || restarted) return false;
        restarted = true;
        await redis.stop();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        redisServers.push(await startRedis(port, redisDir));
        return true;
      },
    });
    expect(restarted).toBe(true);
    const deadline = Date.now() + 90_000;
    let record = await job(server.url, id);
    while (record.status !== 'SUCCEEDED' && record.status !== 'FAILED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      record = await job(server.url, id);
    }
    expect(record).toMatchObject({ status: 'SUCCEEDED', result: { version: 1 } });
    expect(record.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2, 3]);
    expect(worker.output()).toMatch(/Redis reachable again/);
    expect((await request(server.url).get('/v1/models/digits-redis').expect(200)).body.versions).toEqual([1]);
  });
});

describe('training jobs, embedded mode (npm start alone, no Redis)', () => {
  it('streams a job to SUCCEEDED and serves the new version without a restart', async () => {
    const server = await api(common());
    const seconds = await trainAndServe(server.url);
    console.info(`embedded mode: POST /v1/jobs -> new version served in ${seconds.toFixed(2)} s`);
  });

  it('cancels a running job', async () => {
    const server = await api(common());
    await cancelRunning(server.url, server.url);
  });

  it('resumes from the epoch-1 checkpoint when the server is killed in epoch 2 and started again', async () => {
    const first = await api(common());
    const id = await submit(first.url, slowSpec('digits-crash'));
    let kill: JobStreamEvent | undefined;
    const before = await followJob(first.url, id, {
      onEvent: async (event) => {
        if (!midEpoch2(event)) return false;
        kill = event;
        await first.kill();
        return true;
      },
    });
    expect(kill).toBeDefined();
    const second = await api(common());
    const resumed = await followJob(second.url, id, { lastEventId: before.at(-1)?.id });
    expectResumedFromEpoch1(resumed);
    const record = await job(second.url, id);
    expect(record).toMatchObject({ status: 'SUCCEEDED', attemptsMade: 2, result: { version: 1 } });
    expect(record.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2, 3]);
    expect((await request(second.url).get('/v1/models/digits-crash').expect(200)).body.versions).toEqual([1]);
  });
});

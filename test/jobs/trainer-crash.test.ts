import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiService, type Service, startApi, startTrainerProcess } from './helpers/processes.js';
import { slowSpec } from './helpers/specs.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LOCK_DURATION_MS = 2000;
const STALLED_INTERVAL_MS = 1000;
/** Redis round trips, the stalled job's move back to wait, a new training thread reporting its attempt. */
const SLACK_MS = 1500;

let dir: string;
let prefix: string;
const services: Service[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocellus-e2e-crash-'));
  prefix = `ocellus-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
});

afterEach(async () => {
  for (const service of services.splice(0).reverse()) await service.stop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  OCELLUS_REGISTRY_ROOT: join(dir, 'models'),
  OCELLUS_PROGRESS_INTERVAL_MS: '100',
  REDIS_URL,
  OCELLUS_QUEUE_PREFIX: prefix,
  OCELLUS_LOCK_DURATION_MS: String(LOCK_DURATION_MS),
  OCELLUS_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
});

async function start<S extends Service>(service: Promise<S>): Promise<S> {
  const started = await service;
  services.push(started);
  return started;
}

/** Polls the job until `test` holds (every 50 ms, at most `timeoutMs`); returns the record. */
async function waitForJob(
  server: ApiService,
  id: string,
  test: (record: { status: string; attemptsMade: number }) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = (await request(server.url).get(`/v1/jobs/${id}`).expect(200)).body;
    if (test(record)) return record;
    if (Date.now() > deadline) throw new Error(`job ${id} stayed ${JSON.stringify(record.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a trainer process killed mid-job', () => {
  it('has its job picked up by another trainer within lockDuration + stalledInterval', async () => {
    const server = await start(startApi(env()));
    const doomed = await start(startTrainerProcess(env()));
    const id = (await request(server.url).post('/v1/jobs').send(slowSpec('digits-lock')).expect(202)).body.id;
    await waitForJob(server, id, (r) => r.status === 'RUNNING' && r.attemptsMade === 1, 60_000);
    // The second trainer is idle and listening before the crash, so only the lock's expiry is measured.
    await start(startTrainerProcess(env()));
    const killed = Date.now();
    await doomed.kill();
    await waitForJob(server, id, (r) => r.attemptsMade === 2, 30_000);
    const tookMs = Date.now() - killed;
    expect(tookMs).toBeLessThan(LOCK_DURATION_MS + STALLED_INTERVAL_MS + SLACK_MS);
    const done = await waitForJob(server, id, (r) => r.status === 'SUCCEEDED', 120_000);
    expect(done.attemptsMade).toBe(2);
  });
});

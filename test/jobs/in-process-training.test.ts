import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type Config, inProcessHost, loadConfig, openJobService } from '@ocellus/api';
import { openRegistry } from '@ocellus/registry';
import { startTrainer, type Trainer } from '@ocellus/trainer';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { testDigits } from './helpers/digits.js';
import { smallSpec } from './helpers/specs.js';

/**
 * The API's job routes over the real job service in one process (app.inject, no sockets): in embedded
 * mode, and in queue mode with a BullMQ trainer started in this process.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
type App = Awaited<ReturnType<typeof buildApp>>;
const silent = { info: () => {}, warn: () => {}, error: () => {} };

const spec = smallSpec('digits-job');

interface Running {
  app: App;
  close(): Promise<void>;
}

/** One API in embedded mode, or one API plus one BullMQ trainer in this process over a fresh key prefix. */
const modes: [string, (config: Config) => Promise<Running>][] = [
  [
    'embedded mode',
    async (config) => {
      const app = await buildApp({
        config,
        registry: openRegistry(config.registryRoot, { pollIntervalMs: 100 }),
        modelHost: inProcessHost(),
        trainingJobs: (log) => openJobService(config, log),
      });
      return { app, close: () => app.close() };
    },
  ],
  [
    'queue mode (Redis)',
    async (base) => {
      const prefix = `ocellus-api-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      const config = { ...base, redisUrl: REDIS_URL, jobs: { ...base.jobs, prefix } };
      const app = await buildApp({
        config,
        registry: openRegistry(config.registryRoot, { pollIntervalMs: 100 }),
        modelHost: inProcessHost(),
        trainingJobs: (log) => openJobService(config, log),
      });
      const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const trainer: Trainer = startTrainer({
        connection,
        prefix,
        registryRoot: config.registryRoot,
        maxEpochs: config.jobs.maxEpochs,
        concurrency: 1,
        lockDurationMs: 5000,
        stalledIntervalMs: 1000,
        maxStalledCount: 1,
        log: silent,
      });
      return {
        app,
        async close() {
          await app.close();
          await trainer.close();
          const keys = await connection.keys(`${prefix}:*`);
          if (keys.length > 0) await connection.del(...keys);
          connection.disconnect();
        },
      };
    },
  ],
];

describe.each(modes)('training jobs in %s', (_, start) => {
  let running: Running | null = null;
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await running?.close();
    await cleanup?.();
  });

  async function app(): Promise<App> {
    const dir = await mkdtemp(join(tmpdir(), 'ocellus-in-process-jobs-'));
    cleanup = () => rm(dir, { recursive: true, force: true });
    running = await start(loadConfig({ OCELLUS_REGISTRY_ROOT: join(dir, 'models') }));
    return running.app;
  }

  it('trains a submitted job while its events stream, then serves the new version without a restart', async () => {
    const api = await app();
    const { id } = (await api.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json();
    const stream = await api.inject({ method: 'GET', url: `/v1/jobs/${id}/events` });
    const names = [...stream.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names).toContain('progress');
    expect(names).toContain('log');
    expect(names.at(-1)).toBe('completed');

    const record = (await api.inject({ method: 'GET', url: `/v1/jobs/${id}` })).json();
    expect(record).toMatchObject({ status: 'SUCCEEDED', result: { model: 'digits-job', version: 1 } });
    expect(record.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2]);
    const models = (await api.inject({ method: 'GET', url: '/v1/models' })).json();
    expect(models).toMatchObject([{ name: 'digits-job', versions: [1], aliases: { production: 1 } }]);

    const digits = await testDigits(10);
    let correct = 0;
    for (const { png, label } of digits) {
      const reply = await api.inject({
        method: 'POST',
        url: '/v1/classify?model=digits-job',
        headers: { 'content-type': 'image/png' },
        payload: png,
      });
      expect(reply.statusCode).toBe(200);
      expect(reply.json()).toMatchObject({ model: 'digits-job', version: 1 });
      if (reply.json().results[0].predictions[0].label === label) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(6);
  });

  it('cancels a job before it starts: CANCELLED, its stream ends with failed, nothing published', async () => {
    const api = await app();
    const first = (await api.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json();
    const second = (
      await api.inject({ method: 'POST', url: '/v1/jobs', payload: { ...spec, model: 'digits-other' } })
    ).json();
    const cancel = await api.inject({ method: 'POST', url: `/v1/jobs/${second.id}/cancel` });
    expect(cancel.statusCode).toBe(202);
    expect(['CANCELLING', 'CANCELLED']).toContain(cancel.json().status);
    const stream = await api.inject({ method: 'GET', url: `/v1/jobs/${second.id}/events` });
    expect(stream.body).toMatch(/event: failed\ndata: \{"reason":"cancelled"\}/);
    expect((await api.inject({ method: 'GET', url: `/v1/jobs/${second.id}` })).json().status).toBe(
      'CANCELLED',
    );
    await api.inject({ method: 'GET', url: `/v1/jobs/${first.id}/events` });
    const models = (await api.inject({ method: 'GET', url: '/v1/models' })).json();
    expect(models.map((m: { name: string }) => m.name)).toEqual(['digits-job']);
  });
});

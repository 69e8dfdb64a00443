import { buildApp, type JobLauncher, JobService, loadConfig } from '@ocellus/api';
import type { JobRecord, JobSpecInput } from '@ocellus/contracts';
import { FileJobStore } from '@ocellus/jobs/file-store';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { testHost } from './helpers/families.js';
import { tempRegistry } from './helpers/registry.js';

const ADMIN = 'admin-key-0123456789';
const INFERENCE = 'inference-key-0123456789';

const spec: JobSpecInput = {
  task: 'classify',
  model: 'digits-test',
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
  schedule: { epochs: 2, batchSize: 16 },
};

/** Records what the routes hand to the trainers; `running` ids are held by a trainer (not dequeued). */
function fakeLauncher(running = new Set<string>()) {
  const enqueued: JobRecord[] = [];
  const launcher: JobLauncher = {
    enqueue: async (record) => void enqueued.push(record),
    dequeue: async (id) => !running.has(id),
    close: async () => {},
  };
  return { launcher, enqueued, running };
}

let running: { app: FastifyInstance; cleanup(): Promise<void> } | null = null;
let store: FileJobStore;

/** The app over a fresh registry with a job service whose launcher is the fake above. */
async function start(options: { env?: Record<string, string>; running?: Set<string> } = {}) {
  const { registry, root, cleanup } = await tempRegistry();
  const config = loadConfig({ OCELLUS_REGISTRY_ROOT: root, ...options.env });
  const fake = fakeLauncher(options.running);
  store = await FileJobStore.open(root);
  const jobs = new JobService(store, fake.launcher, config.jobs.maxEpochs);
  const app = await buildApp({ config, registry, modelHost: testHost(), jobs });
  running = { app, cleanup };
  return { app, ...fake };
}

afterEach(async () => {
  await running?.app.close();
  await running?.cleanup();
  running = null;
});

describe('POST /v1/jobs', () => {
  it('answers 202 QUEUED with a Location, records the spec with its defaults and hands it to a trainer', async () => {
    const { app, enqueued } = await start();
    const reply = await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    expect(reply.statusCode).toBe(202);
    const body = reply.json<{ id: string; status: string }>();
    expect(body.status).toBe('QUEUED');
    expect(reply.headers.location).toBe(`/v1/jobs/${body.id}`);
    expect(enqueued.map((r) => r.id)).toEqual([body.id]);
    const record = await store.get(body.id);
    expect(record?.spec).toMatchObject({ ...spec, seed: 1, optimizer: { type: 'adam' } });
  });

  it.each([
    ['an unknown architecture', { architecture: { type: 'transformer' } }, 'architecture.type'],
    ['a negative learning rate', { optimizer: { type: 'sgd', lr: -0.1 } }, 'optimizer.lr'],
    ['batch size 0', { schedule: { epochs: 1, batchSize: 0 } }, 'schedule.batchSize'],
    ['10^9 epochs', { schedule: { epochs: 1e9, batchSize: 16 } }, 'schedule.epochs'],
    ['an architecture of another task', { architecture: { type: 'rcnn' } }, 'architecture.type'],
  ])(
    'answers 400 INVALID_JOB_SPEC with the zod issues for %s, and queues nothing',
    async (_, change, path) => {
      const { app, enqueued } = await start();
      const reply = await app.inject({ method: 'POST', url: '/v1/jobs', payload: { ...spec, ...change } });
      expect(reply.statusCode).toBe(400);
      const body = reply.json<{ code: string; issues: { path: string; code: string; message: string }[] }>();
      expect(body.code).toBe('INVALID_JOB_SPEC');
      expect(body.issues.map((i) => i.path)).toContain(path);
      expect(body.issues.every((i) => i.code.length > 0 && i.message.length > 0)).toBe(true);
      expect(enqueued).toEqual([]);
    },
  );

  it('caps epochs at OCELLUS_MAX_EPOCHS', async () => {
    const { app } = await start({ env: { OCELLUS_MAX_EPOCHS: '5' } });
    const over = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { ...spec, schedule: { epochs: 6 } },
    });
    expect(over.statusCode).toBe(400);
    expect(over.json().issues[0]).toMatchObject({ path: 'schedule.epochs', code: 'too_big' });
    const at = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { ...spec, schedule: { epochs: 5 } },
    });
    expect(at.statusCode).toBe(202);
  });

  it('needs an admin key once keys are configured', async () => {
    const { app } = await start({ env: { OCELLUS_ADMIN_KEYS: ADMIN, OCELLUS_INFERENCE_KEYS: INFERENCE } });
    const without = await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    expect(without.statusCode).toBe(401);
    const inference = await app.inject({
      method: 'GET',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${INFERENCE}` },
    });
    expect(inference.statusCode).toBe(403);
    const admin = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: spec,
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(admin.statusCode).toBe(202);
  });
});

describe('GET /v1/jobs', () => {
  it('lists newest first, by status, up to the limit', async () => {
    const { app } = await start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json().id);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await store.update(ids[1] ?? '', { status: 'RUNNING' });
    const all = await app.inject({ method: 'GET', url: '/v1/jobs' });
    expect(all.json().map((r: JobRecord) => r.id)).toEqual([...ids].reverse());
    const queued = await app.inject({ method: 'GET', url: '/v1/jobs?status=QUEUED&limit=1' });
    expect(queued.json().map((r: JobRecord) => r.id)).toEqual([ids[2]]);
    expect((await app.inject({ method: 'GET', url: '/v1/jobs?limit=0' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/jobs?status=DONE' })).statusCode).toBe(400);
  });

  it('answers 404 JOB_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
    const { app } = await start();
    const missing = await app.inject({ method: 'GET', url: '/v1/jobs/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('JOB_NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/v1/jobs/a.b' })).statusCode).toBe(400);
  });
});

describe('POST /v1/jobs/{id}/cancel', () => {
  it('cancels a job no trainer holds at once', async () => {
    const { app } = await start();
    const { id } = (await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json();
    const reply = await app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel` });
    expect(reply.statusCode).toBe(202);
    expect(reply.json()).toMatchObject({ id, status: 'CANCELLED', endedAt: expect.any(String) });
  });

  it('leaves a running job CANCELLING for its trainer, and asking again changes nothing', async () => {
    const running = new Set<string>();
    const { app } = await start({ running });
    const { id } = (await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json();
    running.add(id);
    await store.update(id, { status: 'RUNNING' });
    for (let i = 0; i < 2; i++) {
      const reply = await app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel` });
      expect(reply.statusCode).toBe(202);
      expect(reply.json().status).toBe('CANCELLING');
    }
  });

  it('answers 409 for a finished job and 404 for an unknown one', async () => {
    const { app } = await start();
    const { id } = (await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json();
    await store.update(id, { status: 'SUCCEEDED' });
    const finished = await app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel` });
    expect(finished.statusCode).toBe(409);
    expect(finished.json().error).toMatch(/is SUCCEEDED/);
    expect((await app.inject({ method: 'POST', url: '/v1/jobs/nope/cancel' })).statusCode).toBe(404);
  });
});

describe('GET /v1/jobs/{id}/events', () => {
  const progress = {
    epoch: 1,
    epochs: 2,
    step: 5,
    steps: 10,
    percent: 25,
    metrics: { loss: 1.5 },
    phase: 'TRAINING',
  };

  async function finishedJob(app: FastifyInstance) {
    const { id } = (await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json();
    await store.emit(id, { name: 'progress', data: progress as never });
    await store.emit(id, {
      name: 'log',
      data: { level: 'info', message: 'epoch 1/2', time: new Date().toISOString() },
    });
    const result = { model: 'digits-test', version: 1, metrics: { testAccuracy: 0.8 } };
    await store.emit(id, { name: 'completed', data: { result } });
    await store.update(id, { status: 'SUCCEEDED', result });
    return id;
  }

  it('replays a finished job as Server-Sent Events with ids, ending after completed', async () => {
    const { app } = await start();
    const id = await finishedJob(app);
    const reply = await app.inject({ method: 'GET', url: `/v1/jobs/${id}/events` });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = reply.body
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => Object.fromEntries(block.split('\n').map((line) => line.split(/: (.*)/s).slice(0, 2))));
    expect(events.map((e) => [e.id, e.event])).toEqual([
      ['1', 'progress'],
      ['2', 'log'],
      ['3', 'completed'],
    ]);
    expect(JSON.parse(events[0]?.data)).toEqual(progress);
  });

  it('resumes after Last-Event-ID', async () => {
    const { app } = await start();
    const id = await finishedJob(app);
    const reply = await app.inject({
      method: 'GET',
      url: `/v1/jobs/${id}/events`,
      headers: { 'last-event-id': '2' },
    });
    expect(reply.body).not.toContain('event: progress');
    expect(reply.body).toContain('id: 3\nevent: completed');
  });

  it('answers 404 for an unknown job', async () => {
    const { app } = await start();
    expect((await app.inject({ method: 'GET', url: '/v1/jobs/nope/events' })).statusCode).toBe(404);
  });
});

describe('error replies', () => {
  it('answer a fully read body at once, with nothing left to drain', async () => {
    // Unread upload bytes are drained (for up to 10 s) before a 4xx: a body already read has none.
    const { app } = await start();
    const bad = { ...spec, schedule: { epochs: 1, batchSize: 0 } };
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ method: 'POST', url: '/v1/jobs', payload: bad })).statusCode).toBe(400);
    }
  }, 5_000);
});

describe('job counts in /metrics', () => {
  it('counts the recorded jobs by status, every status present', async () => {
    const { app } = await start({ running: new Set() });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json().id);
    }
    await app.inject({ method: 'POST', url: `/v1/jobs/${ids[0]}/cancel` });
    await store.update(ids[1]!, { status: 'RUNNING' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const count = (status: string) =>
      Number(new RegExp(`^ocellus_jobs\\{status="${status}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(count('QUEUED')).toBe(1);
    expect(count('RUNNING')).toBe(1);
    expect(count('CANCELLED')).toBe(1);
    expect(count('SUCCEEDED')).toBe(0);
  });
});

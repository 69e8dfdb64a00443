import { buildApp, type JobLauncher, JobService, loadConfig } from '@ocellus/api';
import type { JobRecord, JobSpecInput } from '@ocellus/contracts';
import { FileJobStore } from '@ocellus/jobs/file-store';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { testHost } from './helpers/families.js';
import { tempRegistry } from './helpers/registry.js';

const spec: JobSpecInput = {
  task: 'classify',
  model: 'digits-test',
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
  schedule: { epochs: 2, batchSize: 16 },
};

const launcher: JobLauncher = { enqueue: async () => {}, dequeue: async () => true, close: async () => {} };

let running: { app: FastifyInstance; cleanup(): Promise<void> } | null = null;

/** The app over a fresh registry with a file job store and a launcher that keeps every job queued. */
async function start(env: Record<string, string> = {}) {
  const { registry, root, cleanup } = await tempRegistry();
  const config = loadConfig({ OCELLUS_REGISTRY_ROOT: root, ...env });
  const jobs = new JobService(await FileJobStore.open(root), launcher, config.jobs.maxEpochs);
  const app = await buildApp({ config, registry, modelHost: testHost(), jobs });
  running = { app, cleanup };
  return app;
}

afterEach(async () => {
  await running?.app.close();
  await running?.cleanup();
  running = null;
});

const space = (dimensions: number) =>
  Object.fromEntries(Array.from({ length: dimensions }, (_, i) => [`optimizer.p${i}`, [0.1, 1, 'log']]));

describe('POST /v1/jobs search space', () => {
  it('refuses more dimensions than OCELLUS_MAX_SEARCH_DIMENSIONS with the zod issue naming it', async () => {
    const app = await start({ OCELLUS_MAX_SEARCH_DIMENSIONS: '4' });
    const over = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { ...spec, search: { space: space(5) } },
    });
    expect(over.statusCode).toBe(400);
    expect(over.json().code).toBe('INVALID_JOB_SPEC');
    expect(over.json().issues[0]).toMatchObject({ path: 'search.space', code: 'custom' });
    expect(over.json().issues[0].message).toContain('OCELLUS_MAX_SEARCH_DIMENSIONS');
    const at = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { ...spec, search: { space: space(4) } },
    });
    expect(at.statusCode).toBe(202);
  });

  it('refuses a 380,000-entry space before parsing it, and the default cap refuses 33 dimensions', async () => {
    const app = await start();
    const huge = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      // Short keys, so the 8 MB body is under OCELLUS_BODY_LIMIT as in the report.
      payload: {
        ...spec,
        search: {
          space: Object.fromEntries(Array.from({ length: 380_000 }, (_, i) => [`k${i}`, [1, 2, 'log']])),
        },
      },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toContain('OCELLUS_JSON_MAX_KEYS');
    const over = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      payload: { ...spec, search: { space: space(33) } },
    });
    expect(over.statusCode).toBe(400);
    expect(over.json().issues[0].message).toContain('more than 32 dimensions');
  });
});

describe('GET /v1/jobs pages', () => {
  const list = (app: FastifyInstance, query: string) =>
    app.inject({ method: 'GET', url: `/v1/jobs${query}` });

  it('pages newest first with limit and the cursor from X-Next-Cursor, each job once', async () => {
    const app = await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec })).json().id);
    }
    const seen: string[] = [];
    let query = '?limit=2';
    for (let page = 0; page < 10; page++) {
      const reply = await list(app, query);
      expect(reply.statusCode).toBe(200);
      seen.push(...reply.json<JobRecord[]>().map((r) => r.id));
      const next = reply.headers['x-next-cursor'];
      if (next === undefined) break;
      expect(reply.headers.link).toBe(`</v1/jobs?limit=2&cursor=${next}>; rel="next"`);
      query = `?limit=2&cursor=${next}`;
    }
    // Created within the same millisecond or not, the order is one total order: newest first, then by id.
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(ids));
    const all = await list(app, '?limit=5');
    expect(all.json<JobRecord[]>().map((r) => r.id)).toEqual(seen);
    expect(all.headers['x-next-cursor']).toBeUndefined();
  });

  it('serves OCELLUS_JOBS_PAGE_SIZE by default and refuses a limit over OCELLUS_JOBS_MAX_PAGE_SIZE', async () => {
    const app = await start({ OCELLUS_JOBS_PAGE_SIZE: '2', OCELLUS_JOBS_MAX_PAGE_SIZE: '3' });
    for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    const first = await list(app, '');
    expect(first.json()).toHaveLength(2);
    expect(first.headers['x-next-cursor']).toEqual(expect.any(String));
    const over = await list(app, '?limit=4');
    expect(over.statusCode).toBe(400);
    expect(over.json().issues[0]).toMatchObject({ path: 'limit', code: 'too_big' });
    expect(over.json().issues[0].message).toContain('OCELLUS_JOBS_MAX_PAGE_SIZE');
  });

  it('answers 400 INVALID_PARAMETER for a cursor it never gave out', async () => {
    const app = await start();
    for (const cursor of [
      'not-a-cursor',
      Buffer.from('yesterday job-1').toString('base64url'),
      '%3Chtml%3E',
    ]) {
      const reply = await list(app, `?cursor=${cursor}`);
      expect(reply.statusCode).toBe(400);
      expect(reply.json().code).toBe('INVALID_PARAMETER');
      expect(reply.body).not.toContain('html');
    }
  });

  it('documents limit and cursor in the OpenAPI document', async () => {
    const app = await start();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const names = doc.paths['/v1/jobs'].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['status', 'limit', 'cursor']));
    expect(doc.paths['/v1/jobs'].get.description).toContain('X-Next-Cursor');
  });
});

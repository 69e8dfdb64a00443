import { buildApp, type JobLauncher, JobService, loadConfig } from '@ocellus/api';
import {
  defaultJobSpecSchema,
  estimateJobBytes,
  type JobRecord,
  type JobSpecInput,
} from '@ocellus/contracts';
import { FileJobStore } from '@ocellus/jobs/file-store';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { testHost } from './helpers/families.js';
import { tempRegistry } from './helpers/registry.js';

const small: JobSpecInput = {
  task: 'classify',
  model: 'digits-test',
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
  schedule: { epochs: 2, batchSize: 16 },
};

let running: { app: FastifyInstance; cleanup(): Promise<void> } | null = null;

async function start(env: Record<string, string> = {}) {
  const { registry, root, cleanup } = await tempRegistry();
  const config = loadConfig({ OCELLUS_REGISTRY_ROOT: root, ...env });
  const enqueued: JobRecord[] = [];
  const launcher: JobLauncher = {
    enqueue: async (record) => void enqueued.push(record),
    dequeue: async () => true,
    close: async () => {},
  };
  const jobs = new JobService(await FileJobStore.open(root), launcher, config.jobs.maxEpochs);
  const app = await buildApp({ config, registry, modelHost: testHost(), jobs });
  running = { app, cleanup };
  return { app, enqueued };
}

afterEach(async () => {
  await running?.app.close();
  await running?.cleanup();
  running = null;
});

describe('POST /v1/jobs memory budget', () => {
  it.each<[string, JobSpecInput]>([
    ['a million training examples', { ...small, dataset: { name: 'mnist', train: 1_000_000 } }],
    [
      'eight 8192-wide layers under adam',
      {
        ...small,
        architecture: { type: 'mlp', hidden: Array(8).fill(8192) },
        optimizer: { type: 'adam' },
      },
    ],
  ])('refuses %s with 400, the estimate and the limit, and queues nothing', async (_, spec) => {
    const { app, enqueued } = await start();
    const reply = await app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    expect(reply.statusCode).toBe(400);
    const body = reply.json<{ code: string; error: string }>();
    expect(body.code).toBe('INVALID_JOB_SPEC');
    const mib = Math.ceil(estimateJobBytes(defaultJobSpecSchema.parse(spec)).total / 2 ** 20);
    expect(mib).toBeGreaterThan(3 * 1024);
    expect(body.error).toContain(`about ${mib} MiB`);
    expect(body.error).toContain('over the limit of 4096 MiB (OCELLUS_MAX_JOB_BYTES)');
    expect(enqueued).toEqual([]);
  });

  it('takes a small job, and refuses the same job under a lower OCELLUS_MAX_JOB_BYTES', async () => {
    const { app, enqueued } = await start();
    expect((await app.inject({ method: 'POST', url: '/v1/jobs', payload: small })).statusCode).toBe(202);
    expect(enqueued).toHaveLength(1);
    await running?.app.close();
    await running?.cleanup();
    const tight = await start({ OCELLUS_MAX_JOB_BYTES: String(2 ** 20) });
    const reply = await tight.app.inject({ method: 'POST', url: '/v1/jobs', payload: small });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error).toContain('over the limit of 1 MiB (OCELLUS_MAX_JOB_BYTES)');
    expect(tight.enqueued).toEqual([]);
  });
});

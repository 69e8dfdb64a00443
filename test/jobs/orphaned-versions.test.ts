import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRegistry } from '@ocellus/registry';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Service, startApi, startTrainerProcess } from './helpers/processes.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let dir: string;
let registryRoot: string;
let prefix: string;
let lostJob: string;
const services: Service[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocellus-e2e-orphans-'));
  registryRoot = join(dir, 'models');
  prefix = `ocellus-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  // Version 1 of a model trained by a job whose record no store has: Redis lost its data, say.
  lostJob = randomUUID();
  await openRegistry(registryRoot).publish('digits-orphan', {
    task: 'classify',
    architecture: { type: 'linear', loss: 'softmax' },
    inputSpec: { channels: 1, height: 2, width: 2 },
    preprocessing: {},
    labels: ['a', 'b'],
    metrics: {},
    tensors: { w: { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) } },
    trainingJobId: lostJob,
  });
});

afterEach(async () => {
  for (const service of services.splice(0).reverse()) await service.stop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

/** The pino line naming the orphan, once the process has written it (at most 10 s). */
async function orphanLine(service: Service): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = service
      .output()
      .split('\n')
      .find((l) => l.includes('orphaned version'));
    if (line !== undefined) return JSON.parse(line);
    if (Date.now() > deadline) throw new Error(`no orphan reported:\n${service.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a published version whose job record is gone', () => {
  it('is named on start by the API and the trainer (queue mode)', async () => {
    const env = { OCELLUS_REGISTRY_ROOT: registryRoot, REDIS_URL, OCELLUS_QUEUE_PREFIX: prefix };
    const api = await startApi(env);
    services.push(api);
    const trainer = await startTrainerProcess(env);
    services.push(trainer);
    for (const service of [api, trainer]) {
      expect(await orphanLine(service)).toMatchObject({
        level: 40,
        model: 'digits-orphan',
        version: 1,
        job: lostJob,
        msg: 'orphaned version: its training job record is gone',
      });
    }
  });

  it('is named on start by the API in embedded mode', async () => {
    const api = await startApi({ OCELLUS_REGISTRY_ROOT: registryRoot });
    services.push(api);
    expect(await orphanLine(api)).toMatchObject({ model: 'digits-orphan', version: 1, job: lostJob });
  });
});

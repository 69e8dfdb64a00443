import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultJobSpecSchema, type JobSpecInput } from '@ocellus/contracts';
import { checkpointPath } from '@ocellus/jobs/job-files';
import { trainingJobOptions, trainingQueue } from '@ocellus/jobs/queue';
import { RedisJobStore } from '@ocellus/jobs/redis-store';
import { queuedRecord } from '@ocellus/jobs/store';
import {
  eventsUntil,
  inEpoch2,
  log,
  REDIS_URL,
  redisNamespace,
  slowSpec,
  slowStepSpec,
  softmaxSpec,
  storedEvents,
  tempRegistryRoot,
  until,
} from '@ocellus/jobs/testing';
import { openRegistry } from '@ocellus/registry';
import { startTrainer, type Trainer } from '@ocellus/trainer';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let namespace: ReturnType<typeof redisNamespace>;
let root: string;
let removeRoot: () => Promise<void>;
let store: RedisJobStore;
let queue: Queue;
const running: { trainer: Trainer; connection: Redis }[] = [];

beforeEach(async () => {
  namespace = redisNamespace();
  ({ root, cleanup: removeRoot } = await tempRegistryRoot());
  store = new RedisJobStore(namespace.redis.duplicate(), namespace.prefix);
  queue = trainingQueue(namespace.redis.duplicate(), namespace.prefix);
});

afterEach(async () => {
  for (const { trainer, connection } of running.splice(0)) {
    await trainer.close();
    connection.disconnect();
  }
  await queue.close();
  await store.close();
  await namespace.cleanup();
  await removeRoot();
});

function startWorker(registryRoot = root, cancelPollMs: number | undefined = 50): Trainer {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const trainer = startTrainer({
    connection,
    prefix: namespace.prefix,
    registryRoot,
    maxEpochs: 200,
    concurrency: 1,
    lockDurationMs: 5000,
    stalledIntervalMs: 1000,
    maxStalledCount: 2,
    log,
    ...(cancelPollMs === undefined ? {} : { cancelPollMs }),
    progressIntervalMs: 50,
  });
  running.push({ trainer, connection });
  return trainer;
}

async function submit(spec: JobSpecInput): Promise<string> {
  const id = randomUUID();
  await store.create(queuedRecord(id, defaultJobSpecSchema.parse(spec)));
  await queue.add('train', { model: spec.model }, trainingJobOptions(id, { attempts: 3, backoffMs: 100 }));
  return id;
}

const finished = (id: string) =>
  until(async () => {
    const record = await store.get(id);
    return record && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(record.status) && record;
  }, 60_000);

/**
 * The BullMQ job once it is in `state`: BullMQ moves it just after the record was written. The job is read
 * after its state, so its fields (failedReason, returnvalue) are those of that state.
 */
const settled = (id: string, state: 'completed' | 'failed') =>
  until(async () => (await queue.getJobState(id)) === state && queue.getJob(id), 10_000);

describe('the BullMQ trainer', () => {
  it('trains a queued job and completes the BullMQ job with the published version', async () => {
    startWorker();
    const id = await submit(softmaxSpec());
    expect(await finished(id)).toMatchObject({
      status: 'SUCCEEDED',
      result: { version: 1 },
      attemptsMade: 1,
    });
    const job = await settled(id, 'completed');
    expect(job.returnvalue).toMatchObject({ model: 'digits-test', version: 1 });
  });

  it('fails a spec that cannot train at once, spending none of its retries', async () => {
    startWorker();
    const id = await submit({
      ...softmaxSpec(),
      task: 'detect',
      architecture: { type: 'fast-rcnn', proposals: { method: 'connected-components' } },
      dataset: { name: 'digit-scenes', train: 8, validation: 2, test: 2 },
    });
    const record = await finished(id);
    expect(record).toMatchObject({ status: 'FAILED', attemptsMade: 1 });
    const job = await settled(id, 'failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe(record.failureReason);
    expect(job.failedReason).toMatch(/proposals.method 'connected-components' is not available/);
  });

  it('retries a passing failure with backoff, and fails the job once its attempts are spent', async () => {
    const blocked = join(root, 'not-a-folder');
    await writeFile(blocked, '');
    startWorker(blocked);
    const id = await submit(softmaxSpec());
    const record = await finished(id);
    expect(record).toMatchObject({ status: 'FAILED', attemptsMade: 3 });
    expect(record.failureReason).toMatch(/ENOTDIR/);
    const job = await settled(id, 'failed');
    expect(job.attemptsMade).toBe(3);
    const retries = (await storedEvents(store, id)).filter(
      (e) => e.name === 'log' && e.data.message.includes('will retry'),
    );
    expect(retries).toHaveLength(2);
  });

  it('on close checkpoints the running job and requeues it, and another worker resumes it', async () => {
    const first = startWorker();
    const id = await submit(slowSpec());
    await eventsUntil(store, id, inEpoch2);
    await first.close();
    expect(await (await queue.getJob(id))?.getState()).toBe('waiting');
    expect(await store.status(id)).toBe('QUEUED');
    expect(existsSync(checkpointPath(root, id))).toBe(true);

    startWorker();
    const record = await finished(id);
    expect(record).toMatchObject({ status: 'SUCCEEDED', attemptsMade: 2 });
    expect(record.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect((await openRegistry(root).describe('digits-test')).versions).toEqual([1]);
  });

  it('cancels a running job whose record turns CANCELLING, publishing nothing', async () => {
    startWorker();
    const id = await submit(slowSpec());
    await eventsUntil(store, id, (e) => e.name === 'progress');
    await store.update(id, { status: 'CANCELLING' }, ['RUNNING']);
    expect(await finished(id)).toMatchObject({ status: 'CANCELLED', result: null });
    const job = await settled(id, 'failed');
    expect(job.failedReason).toBe('cancelled');
    expect(await openRegistry(root).listModels()).toEqual([]);
  });

  it('cancels within a second in the middle of a step that takes seconds (default cancel poll)', async () => {
    startWorker(root, undefined);
    const id = await submit(slowStepSpec());
    await eventsUntil(store, id, (e) => e.name === 'progress' && e.data.step === 1);
    const requested = Date.now();
    await store.update(id, { status: 'CANCELLING' }, ['RUNNING']);
    await until(async () => (await store.status(id)) === 'CANCELLED', 10_000);
    expect(Date.now() - requested).toBeLessThan(1000);
    expect((await settled(id, 'failed')).failedReason).toBe('cancelled');
  });
});

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobSpecInput } from '@ocellus/contracts';
import { Redis } from 'ioredis';
import type { JobStore, StoredJobEvent } from './records/job-store.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A softmax classifier on a few hundred digits: about two seconds, most of it loading MNIST. */
export function softmaxSpec(changes: Partial<JobSpecInput> = {}): JobSpecInput {
  return {
    task: 'classify',
    model: 'digits-test',
    architecture: { type: 'linear', loss: 'softmax' },
    dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
    schedule: { epochs: 2, batchSize: 16 },
    ...changes,
  };
}

/** An MLP stepped one pair of digits at a time: 200 steps an epoch, long enough to stop one midway. */
export function slowSpec(changes: Partial<JobSpecInput> = {}): JobSpecInput {
  return softmaxSpec({
    architecture: { type: 'mlp', hidden: [64] },
    dataset: { name: 'mnist', train: 400, validation: 100, test: 200 },
    schedule: { epochs: 3, batchSize: 2 },
    ...changes,
  });
}

/** A wide MLP on batches of 1024 digits: each step takes seconds on two cores, so cancels land mid-step. */
export function slowStepSpec(changes: Partial<JobSpecInput> = {}): JobSpecInput {
  return softmaxSpec({
    architecture: { type: 'mlp', hidden: [3072, 3072] },
    dataset: { name: 'mnist', train: 8192, validation: 100, test: 200 },
    schedule: { epochs: 2, batchSize: 1024 },
    ...changes,
  });
}

export async function tempRegistryRoot(): Promise<{ root: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'ocellus-jobs-test-'));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A Redis connection and a key prefix no other test uses; `cleanup` deletes every key under it. */
export function redisNamespace(options: { maxRetriesPerRequest?: null } = {}) {
  const prefix = `ocellus-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const redis = new Redis(REDIS_URL, options);
  return {
    prefix,
    redis,
    async cleanup() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

export const log = { info: () => {}, warn: () => {}, error: () => {} };

/** Follows a job's events until `stop` says so (or the job ends); returns what it saw. */
export async function eventsUntil(
  store: JobStore,
  id: string,
  stop: (event: StoredJobEvent) => boolean,
): Promise<StoredJobEvent[]> {
  const seen: StoredJobEvent[] = [];
  for await (const event of store.events(id, { follow: true })) {
    seen.push(event);
    if (stop(event) || event.name === 'completed' || event.name === 'failed') break;
  }
  return seen;
}

/** The events stored so far, without waiting for more. */
export async function storedEvents(store: JobStore, id: string): Promise<StoredJobEvent[]> {
  const seen: StoredJobEvent[] = [];
  for await (const event of store.events(id, { follow: false })) seen.push(event);
  return seen;
}

/** Stops in the middle of epoch 2 (after its first progress report). */
export const inEpoch2 = (event: StoredJobEvent) =>
  event.name === 'progress' && event.data.epoch === 2 && event.data.step < event.data.steps;

export async function weightsDigest(root: string, model: string, version: number): Promise<string> {
  const bytes = await readFile(join(root, model, String(version), 'model.safetensors'));
  return createHash('sha256').update(bytes).digest('hex');
}

export async function until<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { readdir } from 'node:fs/promises';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { FileJobStore } from '@ocellus/jobs/file-store';
import { RedisJobStore } from '@ocellus/jobs/redis-store';
import { type JobStore, queuedRecord, type StoredJobEvent } from '@ocellus/jobs/store';
import { redisNamespace, softmaxSpec, tempRegistryRoot } from '@ocellus/jobs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const spec = defaultJobSpecSchema.parse(softmaxSpec());
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
const log = (message: string) => ({
  name: 'log' as const,
  data: { level: 'info' as const, message, time: at(0).toISOString() },
});

async function take(events: AsyncIterable<StoredJobEvent>, count: number): Promise<StoredJobEvent[]> {
  const taken: StoredJobEvent[] = [];
  for await (const event of events) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

const modes: [string, () => Promise<{ store: JobStore; cleanup(): Promise<void> }>][] = [
  [
    'files beside the registry',
    async () => {
      const { root, cleanup } = await tempRegistryRoot();
      const store = await FileJobStore.open(root);
      const close = async () => {
        await store.close();
        await cleanup();
      };
      return { store, cleanup: close };
    },
  ],
  [
    'Redis',
    async () => {
      const namespace = redisNamespace();
      const store = new RedisJobStore(namespace.redis.duplicate(), namespace.prefix);
      const close = async () => {
        await store.close();
        await namespace.cleanup();
      };
      return { store, cleanup: close };
    },
  ],
];

describe.each(modes)('job records in %s', (_, open) => {
  let store: JobStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, cleanup } = await open()));
  afterEach(() => cleanup());

  it('returns a created record as it was written, and null for an unknown id', async () => {
    const record = queuedRecord('job-1', spec, at(1));
    await store.create(record);
    expect(await store.get('job-1')).toEqual(record);
    expect(await store.status('job-1')).toBe('QUEUED');
    expect(await store.get('job-2')).toBeNull();
    expect(await store.status('job-2')).toBeNull();
  });

  it('counts the jobs in each status', async () => {
    expect(await store.counts()).toEqual({});
    for (const id of ['a', 'b', 'c']) await store.create(queuedRecord(id, spec, at(1)));
    await store.update('b', { status: 'RUNNING' });
    await store.update('c', { status: 'FAILED', failureReason: 'no' });
    expect(await store.counts()).toEqual({ QUEUED: 1, RUNNING: 1, FAILED: 1 });
  });

  it('lists newest first, filtered by status and cut at the limit', async () => {
    for (const [id, second] of [
      ['a', 1],
      ['c', 3],
      ['b', 2],
    ] as const) {
      await store.create(queuedRecord(id, spec, at(second)));
    }
    await store.update('b', { status: 'RUNNING' });
    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect((await store.list({ limit: 2 })).map((r) => r.id)).toEqual(['c', 'b']);
    expect((await store.list({ status: 'QUEUED', limit: 10 })).map((r) => r.id)).toEqual(['c', 'a']);
    expect(await store.list({ status: 'FAILED', limit: 10 })).toEqual([]);
  });

  it('pages after a position, ties broken by id, each job once, across more than one index page', async () => {
    // 120 jobs, three to a second: ties on createdAt, and more than the Redis store's 50-entry scan.
    const ids = Array.from({ length: 120 }, (_, i) => `job-${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) {
      await store.create(queuedRecord(id, spec, at(Math.floor(i / 3))));
      if (i % 4 === 0) await store.update(id, { status: 'RUNNING' });
    }
    const walk = async (status?: 'RUNNING') => {
      const seen: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (let page = 0; page < 100; page++) {
        const records = await store.list({ status, limit: 7, after });
        seen.push(...records.map((r) => r.id));
        const last = records.at(-1);
        if (records.length < 7 || last === undefined) break;
        after = { createdAt: last.createdAt, id: last.id };
      }
      return seen;
    };
    expect(await walk()).toEqual([...ids].reverse());
    expect(await walk('RUNNING')).toEqual(ids.filter((_, i) => i % 4 === 0).reverse());
  });

  it('applies an update only from the allowed statuses', async () => {
    await store.create(queuedRecord('job-1', spec, at(1)));
    expect(await store.update('job-1', { status: 'CANCELLED' }, ['RUNNING'])).toBe(false);
    expect(await store.status('job-1')).toBe('QUEUED');
    const progress = { epoch: 1, epochs: 2, step: 3, steps: 4, percent: 37.5, metrics: { loss: 0.5 } };
    expect(await store.update('job-1', { status: 'RUNNING', phase: 'TRAINING', progress }, ['QUEUED'])).toBe(
      true,
    );
    const record = await store.get('job-1');
    expect(record).toMatchObject({ status: 'RUNNING', phase: 'TRAINING', progress, spec });
    expect(await store.update('missing', { status: 'RUNNING' })).toBe(false);
  });

  it('keeps the history in epoch order', async () => {
    await store.create(queuedRecord('job-1', spec, at(1)));
    await store.appendHistory('job-1', { epoch: 1, loss: 2 });
    await store.appendHistory('job-1', { epoch: 2, loss: 1, valAccuracy: 0.5 });
    expect((await store.get('job-1'))?.history).toEqual([
      { epoch: 1, loss: 2 },
      { epoch: 2, loss: 1, valAccuracy: 0.5 },
    ]);
  });

  it('replays events in order, from a given id, and follows new ones as they come', async () => {
    await store.create(queuedRecord('job-1', spec, at(1)));
    await store.emit('job-1', log('one'));
    await store.emit('job-1', log('two'));
    const stored = await take(store.events('job-1', { follow: false }), 10);
    expect(stored.map((e) => e.name === 'log' && e.data.message)).toEqual(['one', 'two']);
    const afterFirst = await take(store.events('job-1', { after: stored[0]?.id, follow: false }), 10);
    expect(afterFirst.map((e) => e.id)).toEqual([stored[1]?.id]);

    const following = take(store.events('job-1', { after: stored[1]?.id, follow: true }), 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.emit('job-1', log('three'));
    await store.emit('job-1', { name: 'failed', data: { reason: 'cancelled' } });
    const live = await following;
    expect(live.map((e) => e.name)).toEqual(['log', 'failed']);
    expect(live[1]?.data).toEqual({ reason: 'cancelled' });
  });

  it('stops following when the signal aborts', async () => {
    await store.create(queuedRecord('job-1', spec, at(1)));
    const controller = new AbortController();
    const following = take(store.events('job-1', { follow: true, signal: controller.signal }), 1);
    setTimeout(() => controller.abort(), 50);
    expect(await following).toEqual([]);
  });
});

describe('job records in files', () => {
  it('leave a registry that never trains as it was', async () => {
    const { root, cleanup } = await tempRegistryRoot();
    const store = await FileJobStore.open(root);
    expect(await store.list({ limit: 10 })).toEqual([]);
    await store.close();
    expect(await readdir(root)).toEqual([]);
    await cleanup();
  });

  it('are read back by a new process (store) with their events', async () => {
    const { root, cleanup } = await tempRegistryRoot();
    const first = await FileJobStore.open(root);
    await first.create(queuedRecord('job-1', spec, at(1)));
    await first.update('job-1', { status: 'RUNNING' });
    await first.emit('job-1', log('one'));
    await first.close();
    const second = await FileJobStore.open(root);
    expect(await second.status('job-1')).toBe('RUNNING');
    await second.emit('job-1', log('two'));
    const events = await take(second.events('job-1', { follow: false }), 10);
    expect(events.map((e) => e.id)).toEqual(['1', '2']);
    await second.close();
    await cleanup();
  });
});

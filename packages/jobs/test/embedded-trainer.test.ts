import { defaultJobSpecSchema, type JobSpecInput } from '@ocellus/contracts';
import { EmbeddedTrainer } from '@ocellus/jobs/embedded';
import { queuedRecord } from '@ocellus/jobs/store';
import {
  eventsUntil,
  inEpoch2,
  log,
  slowSpec,
  softmaxSpec,
  tempRegistryRoot,
  until,
} from '@ocellus/jobs/testing';
import { openRegistry } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let root: string;
let cleanup: () => Promise<void>;
const open: EmbeddedTrainer[] = [];

beforeEach(async () => ({ root, cleanup } = await tempRegistryRoot()));
afterEach(async () => {
  for (const trainer of open.splice(0)) await trainer.close();
  await cleanup();
});

async function start(): Promise<EmbeddedTrainer> {
  const trainer = await EmbeddedTrainer.open({
    registryRoot: root,
    maxEpochs: 200,
    retry: { attempts: 2, backoffMs: 100 },
    log,
    cancelPollMs: 50,
    progressIntervalMs: 50,
  });
  open.push(trainer);
  return trainer;
}

async function submit(trainer: EmbeddedTrainer, id: string, spec: JobSpecInput, createdAt: Date) {
  await trainer.store.create(queuedRecord(id, defaultJobSpecSchema.parse(spec), createdAt));
  trainer.enqueue(id);
}

const finished = (trainer: EmbeddedTrainer, id: string) =>
  until(async () => {
    const record = await trainer.store.get(id);
    return record && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(record.status) && record;
  }, 60_000);

describe('EmbeddedTrainer', () => {
  it('trains one job at a time, in the order they were submitted', async () => {
    const trainer = await start();
    await submit(trainer, 'first', softmaxSpec(), new Date(1000));
    await submit(trainer, 'second', softmaxSpec({ model: 'digits-other' }), new Date(2000));
    expect(await trainer.store.status('second')).toBe('QUEUED');
    const first = await finished(trainer, 'first');
    const second = await finished(trainer, 'second');
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(Date.parse(second.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(first.endedAt ?? ''));
  });

  it('takes a waiting job out of the line, but not the running one', async () => {
    const trainer = await start();
    await submit(trainer, 'running', slowSpec(), new Date(1000));
    await submit(trainer, 'waiting', softmaxSpec(), new Date(2000));
    expect(trainer.dequeue('waiting')).toBe(true);
    expect(trainer.dequeue('running')).toBe(false);
    expect(trainer.dequeue('unknown')).toBe(false);
  });

  it('checkpoints the running job on close and resumes it when opened again', async () => {
    const before = await start();
    await submit(before, 'job-1', slowSpec(), new Date(1000));
    await eventsUntil(before.store, 'job-1', inEpoch2);
    await before.close();
    open.splice(open.indexOf(before), 1);

    const after = await start();
    const record = await finished(after, 'job-1');
    expect(record).toMatchObject({ status: 'SUCCEEDED', attemptsMade: 2 });
    expect(record.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect((await openRegistry(root).describe('digits-test')).versions).toEqual([1]);
  });
});

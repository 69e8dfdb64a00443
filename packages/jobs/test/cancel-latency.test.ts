import { defaultJobSpecSchema } from '@ocellus/contracts';
import { EmbeddedTrainer } from '@ocellus/jobs/embedded';
import { queuedRecord } from '@ocellus/jobs/store';
import { eventsUntil, log, slowStepSpec, tempRegistryRoot, until } from '@ocellus/jobs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let root: string;
let cleanup: () => Promise<void>;
let trainer: EmbeddedTrainer | undefined;

beforeEach(async () => ({ root, cleanup } = await tempRegistryRoot()));
afterEach(async () => {
  await trainer?.close();
  await cleanup();
});

describe('cancelling a running job', () => {
  it('ends it CANCELLED within a second even in the middle of a slow step (embedded trainer, default poll)', async () => {
    trainer = await EmbeddedTrainer.open({
      registryRoot: root,
      maxEpochs: 10,
      retry: { attempts: 1, backoffMs: 100 },
      log,
      progressIntervalMs: 10,
    });
    const store = trainer.store;
    await store.create(queuedRecord('slow', defaultJobSpecSchema.parse(slowStepSpec()), new Date()));
    trainer.enqueue('slow');
    // Right after the first step: the next one has just begun and has seconds to go.
    const seen = await eventsUntil(store, 'slow', (e) => e.name === 'progress' && e.data.step === 1);
    const firstStep = seen.find((e) => e.name === 'progress');
    expect(firstStep?.data).toMatchObject({ epoch: 1, step: 1 });
    const requested = Date.now();
    // What POST /v1/jobs/{id}/cancel does: the record goes CANCELLING, the launcher is asked to dequeue.
    expect(await store.update('slow', { status: 'CANCELLING' }, ['QUEUED', 'RUNNING'])).toBe(true);
    expect(trainer.dequeue('slow')).toBe(false);
    await until(async () => (await store.status('slow')) === 'CANCELLED', 10_000);
    const took = Date.now() - requested;
    expect(took).toBeLessThan(1000);
    const steps = (await store.get('slow'))?.progress?.step ?? 0;
    expect(steps).toBeLessThan(3);
  });
});

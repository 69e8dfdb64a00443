import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultJobSpecSchema, type JobSpecInput } from '@ocellus/contracts';
import { FileJobStore } from '@ocellus/jobs/file-store';
import { checkpointPath } from '@ocellus/jobs/job-files';
import { type RunJobOptions, runJob } from '@ocellus/jobs/run-job';
import { queuedRecord } from '@ocellus/jobs/store';
import {
  eventsUntil,
  inEpoch2,
  log,
  slowSpec,
  softmaxSpec,
  storedEvents,
  tempRegistryRoot,
  weightsDigest,
} from '@ocellus/jobs/testing';
import { openRegistry } from '@ocellus/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let root: string;
let store: FileJobStore;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await tempRegistryRoot());
  store = await FileJobStore.open(root);
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

/** Stores a record as the API would (the spec as submitted, defaults filled in) without validating it. */
async function submit(id: string, spec: JobSpecInput, validate = true) {
  const parsed = validate ? defaultJobSpecSchema.parse(spec) : (spec as never);
  await store.create(queuedRecord(id, parsed));
}

const run = (id: string, changes: Partial<RunJobOptions> = {}) =>
  runJob({
    id,
    store,
    registryRoot: root,
    maxEpochs: 200,
    attempt: 1,
    finalAttempt: true,
    log,
    progressIntervalMs: 50,
    cancelPollMs: 50,
    ...changes,
  });

describe('runJob', () => {
  it('trains in a thread, publishes one version, promotes it and records the whole run', async () => {
    await submit('job-1', softmaxSpec({ promote: 'production', schedule: { epochs: 3, batchSize: 16 } }));
    const events = eventsUntil(store, 'job-1', () => false);
    const outcome = await run('job-1');
    expect(outcome).toMatchObject({ kind: 'succeeded', result: { model: 'digits-test', version: 1 } });

    const record = await store.get('job-1');
    expect(record).toMatchObject({ status: 'SUCCEEDED', attemptsMade: 1, failureReason: null, phase: null });
    expect(record?.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(record?.history[2]?.valAccuracy).toBeGreaterThan(0.5);
    expect(record?.result?.metrics.testAccuracy).toBeGreaterThan(0.5);
    expect(record?.startedAt).not.toBeNull();
    expect(Date.parse(record?.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(record?.startedAt ?? ''));

    const registry = openRegistry(root);
    expect(await registry.listModels()).toMatchObject([
      { name: 'digits-test', versions: [1], aliases: { production: 1 } },
    ]);
    expect((await registry.manifest('digits-test', 1)).trainingJobId).toBe('job-1');
    expect(existsSync(checkpointPath(root, 'job-1'))).toBe(false);

    const seen = await events;
    expect(seen.at(-1)).toMatchObject({ name: 'completed', data: { result: { version: 1 } } });
    const phases = new Set(seen.flatMap((e) => (e.name === 'progress' ? [e.data.phase] : [])));
    expect([...phases]).toEqual(['TRAINING', 'EVALUATING', 'PUBLISHING']);
    expect(seen.some((e) => e.name === 'log' && e.data.message.startsWith('epoch 3/3'))).toBe(true);
    const percents = seen.flatMap((e) => (e.name === 'progress' ? [e.data.percent] : []));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const etas = seen.flatMap((e) =>
      e.name === 'progress' ? [[e.data.percent, e.data.metrics.etaSeconds]] : [],
    );
    expect(etas.filter(([, eta]) => eta !== undefined).length).toBeGreaterThan(0);
    for (const [percent, eta] of etas) if (percent === 100) expect(eta).toBe(0);
  });

  it('stops a job whose record turns CANCELLING and publishes nothing', async () => {
    await submit('job-1', slowSpec());
    const running = run('job-1');
    await eventsUntil(store, 'job-1', (e) => e.name === 'progress');
    await store.update('job-1', { status: 'CANCELLING' });
    expect(await running).toEqual({ kind: 'cancelled' });
    expect(await store.get('job-1')).toMatchObject({ status: 'CANCELLED', result: null });
    expect(await openRegistry(root).listModels()).toEqual([]);
    expect(existsSync(checkpointPath(root, 'job-1'))).toBe(false);
    const seen = await storedEvents(store, 'job-1');
    expect(seen.at(-1)).toMatchObject({ name: 'failed', data: { reason: 'cancelled' } });
  });

  it('does not start a job cancelled while it waited', async () => {
    await submit('job-1', softmaxSpec());
    await store.update('job-1', { status: 'CANCELLING' });
    expect(await run('job-1')).toEqual({ kind: 'cancelled' });
    expect(await store.status('job-1')).toBe('CANCELLED');
  });

  it('after a shutdown mid-epoch resumes from its checkpoint to the same weights as an unbroken run', async () => {
    await submit('whole', slowSpec());
    await run('whole');
    await submit('broken', slowSpec());
    const shutdown = new AbortController();
    const first = run('broken', { signal: shutdown.signal });
    await eventsUntil(store, 'broken', inEpoch2);
    shutdown.abort('shutdown');
    expect(await first).toEqual({ kind: 'released' });
    expect(await store.get('broken')).toMatchObject({ status: 'QUEUED', result: null });
    expect(existsSync(checkpointPath(root, 'broken'))).toBe(true);

    const before = (await storedEvents(store, 'broken')).length;
    const outcome = await run('broken', { attempt: 2 });
    expect(outcome).toMatchObject({ kind: 'succeeded', result: { version: 2 } });
    const resumed = (await storedEvents(store, 'broken')).slice(before);
    const firstProgress = resumed.find((e) => e.name === 'progress');
    expect(firstProgress?.name === 'progress' && firstProgress.data.epoch).toBe(2);
    expect((await store.get('broken'))?.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(await weightsDigest(root, 'digits-test', 2)).toBe(await weightsDigest(root, 'digits-test', 1));
  });

  it('fails at once, not to be retried, when the spec cannot train', async () => {
    await submit('unknown', {
      ...softmaxSpec(),
      task: 'detect',
      architecture: { type: 'fast-rcnn', proposals: { method: 'connected-components' } },
      dataset: { name: 'digit-scenes', train: 8, validation: 2, test: 2 },
    });
    const outcome = await run('unknown', { finalAttempt: false });
    expect(outcome).toMatchObject({ kind: 'failed', retryable: false });
    const record = await store.get('unknown');
    expect(record?.status).toBe('FAILED');
    expect(record?.failureReason).toMatch(
      /UnsupportedArchitectureError: proposals.method 'connected-components' is not available/,
    );

    await submit('invalid', softmaxSpec({ optimizer: { type: 'sgd', lr: -1 } }), false);
    expect(await run('invalid', { finalAttempt: false })).toMatchObject({ kind: 'failed', retryable: false });
    expect((await store.get('invalid'))?.failureReason).toMatch(/^invalid job spec: optimizer\.lr: /);

    await submit('no-data', softmaxSpec({ dataset: { name: 'no-such-set', version: 1 } }));
    expect(await run('no-data', { finalAttempt: false })).toMatchObject({ kind: 'failed', retryable: false });
    expect(await store.get('no-data')).toMatchObject({
      status: 'FAILED',
      failureReason: expect.stringMatching(/^DatasetError: .*no-such-set/),
    });
  });

  it('leaves a job QUEUED for its retry after a passing failure, and FAILED after the last attempt', async () => {
    await submit('job-1', softmaxSpec());
    const blocked = join(root, 'not-a-folder');
    await writeFile(blocked, '');
    const attempt = (finalAttempt: boolean) => run('job-1', { registryRoot: blocked, finalAttempt });
    expect(await attempt(false)).toMatchObject({ kind: 'failed', retryable: true });
    expect(await store.get('job-1')).toMatchObject({
      status: 'QUEUED',
      failureReason: expect.stringMatching(/ENOTDIR/),
    });
    expect(await attempt(true)).toMatchObject({ kind: 'failed', retryable: true });
    expect(await store.get('job-1')).toMatchObject({ status: 'FAILED', endedAt: expect.any(String) });
  });
});

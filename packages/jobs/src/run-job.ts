import type { JobPhase, JobProgress, JobResult, JobStatus } from '@ocellus/contracts';
import type { BaseLogger } from 'pino';
import { checkpointPath, removeCheckpoint } from './job-files.js';
import { ProgressClock } from './progress-clock.js';
import { isTerminal, type JobStore } from './records/job-store.js';
import type { AbortReason, FinalReport, ThreadReport } from './thread/messages.js';
import { startTrainingThread } from './thread/spawn.js';

export type JobLog = Pick<BaseLogger, 'info' | 'warn'>;

export interface RunJobOptions {
  id: string;
  store: JobStore;
  registryRoot: string;
  maxEpochs: number;
  /** Attempts started so far, this one included. */
  attempt: number;
  /** No retry follows this attempt: a failure is final. */
  finalAttempt: boolean;
  /** Aborts the run for a shutdown or a lost lock (the reason); the job stays resumable. */
  signal?: AbortSignal;
  log: JobLog;
  /** How often the record is polled for a cancel request made by any API replica (default 250 ms). */
  cancelPollMs?: number;
  progressIntervalMs?: number;
}

/** What became of one attempt, for the queue in front of it to act on. */
export type RunOutcome =
  | { kind: 'succeeded'; result: JobResult }
  | { kind: 'cancelled' }
  | { kind: 'released' }
  | { kind: 'failed'; reason: string; retryable: boolean };

const ACTIVE: readonly JobStatus[] = ['RUNNING', 'CANCELLING'];
const now = () => new Date().toISOString();

async function finishCancelled(store: JobStore, id: string): Promise<RunOutcome> {
  if (
    await store.update(id, { status: 'CANCELLED', phase: null, endedAt: now() }, ['CANCELLING', 'RUNNING'])
  ) {
    await store.emit(id, { name: 'failed', data: { reason: 'cancelled' } });
  }
  return { kind: 'cancelled' };
}

/**
 * One attempt at a job, shared by the BullMQ worker and embedded mode: claims the record, trains in a
 * worker thread, mirrors phase/progress/history/logs into the store and its event log, and writes the
 * final status before the queue hears of it (so a crash in between replays as a no-op).
 */
export async function runJob(options: RunJobOptions): Promise<RunOutcome> {
  const { id, store } = options;
  const record = await store.get(id);
  if (record === null) return { kind: 'failed', reason: `job ${id} has no record`, retryable: false };
  if (record.status === 'SUCCEEDED' && record.result) return { kind: 'succeeded', result: record.result };
  if (record.status === 'CANCELLING' || record.status === 'CANCELLED') return finishCancelled(store, id);
  if (isTerminal(record.status))
    return { kind: 'failed', reason: record.failureReason ?? 'failed', retryable: false };
  const claimed = await store.update(
    id,
    { status: 'RUNNING', attemptsMade: options.attempt, startedAt: record.startedAt ?? now(), endedAt: null },
    ['QUEUED', 'RUNNING'],
  );
  if (!claimed) return finishCancelled(store, id);
  await store.emit(id, {
    name: 'log',
    data: { level: 'info', message: `attempt ${options.attempt} started`, time: now() },
  });

  return settle(options, await train(options, record.spec));
}

async function train(options: RunJobOptions, spec: unknown): Promise<FinalReport> {
  const { id, store, log } = options;
  const clock = new ProgressClock(options.progressIntervalMs ?? 500);
  let phase: JobPhase | null = null;
  let latest: JobProgress | null = null;
  // Store writes happen in report order; a failed write is logged, never fatal to the run.
  let writes = Promise.resolve();
  const write = (what: string, fn: () => Promise<unknown>) => {
    writes = writes.then(fn).then(
      () => {},
      (error: Error) => log.warn({ job: id, reason: error.message }, `job record: ${what}`),
    );
  };
  let published: { progress: JobProgress | null; phase: JobPhase | null } = { progress: null, phase: null };
  const publishProgress = () => {
    const progress = latest;
    if (progress === null || (progress === published.progress && phase === published.phase)) return;
    const current = { progress, phase };
    published = current;
    write('progress', async () => {
      await store.update(id, current, ACTIVE);
      await store.emit(id, { name: 'progress', data: { ...progress, phase: current.phase } });
    });
  };
  const onReport = (report: ThreadReport) => {
    switch (report.type) {
      case 'phase':
        phase = report.phase;
        write('phase', () => store.update(id, { phase: report.phase }, ACTIVE));
        publishProgress();
        break;
      case 'progress':
        latest = clock.withEta(report.progress);
        if (clock.due()) publishProgress();
        break;
      case 'epoch':
        publishProgress();
        write('history', () => store.appendHistory(id, report.entry));
        break;
      case 'log':
        write('log', () =>
          store.emit(id, {
            name: 'log',
            data: { level: report.level, message: report.message, time: now() },
          }),
        );
        break;
      case 'checkpoint':
        log.info({ job: id, epoch: report.epoch }, 'checkpoint written');
        break;
    }
  };
  const thread = startTrainingThread(
    {
      jobId: id,
      spec,
      registryRoot: options.registryRoot,
      maxEpochs: options.maxEpochs,
      checkpointPath: checkpointPath(options.registryRoot, id),
    },
    onReport,
  );
  const onAbort = () => thread.abort(options.signal?.reason as AbortReason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  // With the thread's CANCEL_GRACE_MS, a cancel takes effect within half a second, mid-step or not.
  const poll = setInterval(() => {
    store.status(id).then(
      (status) => status === 'CANCELLING' && thread.abort('cancel'),
      () => {},
    );
  }, options.cancelPollMs ?? 250);
  try {
    const final = await thread.finished;
    publishProgress();
    await writes;
    return final;
  } finally {
    clearInterval(poll);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function settle(options: RunJobOptions, final: FinalReport): Promise<RunOutcome> {
  const { id, store, log } = options;
  // A checkpoint left behind only costs disk; the outcome stands.
  const discardCheckpoint = () =>
    removeCheckpoint(checkpointPath(options.registryRoot, id)).catch((error: Error) =>
      log.warn({ job: id, reason: error.message }, 'checkpoint not removed'),
    );
  if (final.type === 'succeeded') {
    const patch = {
      status: 'SUCCEEDED',
      phase: null,
      result: final.result,
      failureReason: null,
      endedAt: now(),
    } as const;
    await store.update(id, patch, ACTIVE);
    await store.emit(id, { name: 'completed', data: { result: final.result } });
    await discardCheckpoint();
    log.info({ job: id, model: final.result.model, version: final.result.version }, 'job succeeded');
    return { kind: 'succeeded', result: final.result };
  }
  if (final.type === 'aborted' && final.reason === 'cancel') {
    await discardCheckpoint();
    log.info({ job: id }, 'job cancelled');
    return finishCancelled(store, id);
  }
  if (final.type === 'aborted') {
    // Back to the queue with its checkpoint; after a lost lock the record belongs to the new owner.
    if (final.reason === 'shutdown') await store.update(id, { status: 'QUEUED', phase: null }, ['RUNNING']);
    const message = `released (${final.reason})${final.checkpointed ? ' with a checkpoint of where it stopped' : ''}`;
    await store.emit(id, { name: 'log', data: { level: 'warn', message, time: now() } });
    log.info({ job: id, reason: final.reason }, 'job released');
    return { kind: 'released' };
  }
  const retrying = final.retryable && !options.finalAttempt;
  log.warn({ job: id, reason: final.reason, retrying }, 'job attempt failed');
  if (retrying) {
    await store.update(id, { status: 'QUEUED', phase: null, failureReason: final.reason }, ACTIVE);
    await store.emit(id, {
      name: 'log',
      data: {
        level: 'warn',
        message: `attempt ${options.attempt} failed, will retry: ${final.reason}`,
        time: now(),
      },
    });
  } else {
    await store.update(
      id,
      { status: 'FAILED', phase: null, failureReason: final.reason, endedAt: now() },
      ACTIVE,
    );
    await store.emit(id, { name: 'failed', data: { reason: final.reason } });
    await discardCheckpoint();
  }
  return { kind: 'failed', reason: final.reason, retryable: final.retryable };
}

import { TRAINING_QUEUE } from '@ocellus/contracts';
import type { TrainingJobData } from '@ocellus/jobs/queue';
import { RedisJobStore } from '@ocellus/jobs/redis-store';
import { runJob } from '@ocellus/jobs/run-job';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BaseLogger } from 'pino';

export interface TrainerOptions {
  /** Made with `maxRetriesPerRequest: null`, so commands wait out a Redis restart instead of failing. */
  connection: Redis;
  prefix: string;
  registryRoot: string;
  maxEpochs: number;
  /** Jobs trained at once by this process, each in its own thread. */
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  log: Pick<BaseLogger, 'info' | 'warn' | 'error'>;
  cancelPollMs?: number;
  progressIntervalMs?: number;
}

export interface Trainer {
  readonly worker: Worker<TrainingJobData>;
  /** Stops taking jobs; running ones are checkpointed where they are and put back in the queue. */
  close(): Promise<void>;
}

/**
 * The BullMQ worker. Training runs in a worker thread (see run-job), so this event loop stays free to
 * renew locks every `lockDurationMs / 2`: the lock never has to cover a training step, only a crashed
 * process, and a crashed worker's job is taken over within `lockDurationMs + stalledIntervalMs`.
 */
export function startTrainer(options: TrainerOptions): Trainer {
  const { log } = options;
  const store = new RedisJobStore(options.connection.duplicate(), options.prefix);
  const processor = async (job: Job<TrainingJobData>, token?: string, signal?: AbortSignal) => {
    const id = job.id ?? '';
    const outcome = await runJob({
      id,
      store,
      registryRoot: options.registryRoot,
      maxEpochs: options.maxEpochs,
      attempt: job.attemptsStarted,
      finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
      log,
      ...(signal ? { signal } : {}),
      ...(options.cancelPollMs ? { cancelPollMs: options.cancelPollMs } : {}),
      ...(options.progressIntervalMs ? { progressIntervalMs: options.progressIntervalMs } : {}),
    });
    switch (outcome.kind) {
      case 'succeeded':
        return outcome.result;
      case 'cancelled':
        throw new UnrecoverableError('cancelled');
      case 'released':
        if (signal?.reason !== 'shutdown') throw new Error('the lock was lost; another worker owns the job');
        await job.moveToWait(token);
        throw new WaitingError();
      case 'failed':
        throw outcome.retryable ? new Error(outcome.reason) : new UnrecoverableError(outcome.reason);
    }
  };
  const worker = new Worker<TrainingJobData>(TRAINING_QUEUE, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
  });
  worker.on('error', (error) => log.warn({ reason: error.message }, 'trainer worker'));
  worker.on('stalled', (id) => log.warn({ job: id }, 'job stalled (its worker stopped); queued again'));
  worker.on('lockRenewalFailed', (ids) => {
    for (const id of ids) worker.cancelJob(id, 'lock-lost');
  });
  // A job past maxStalledCount is failed by BullMQ without reaching the processor: close its record here.
  worker.on('failed', (job, error) => {
    if (!job?.id || !job.deferredFailure) return;
    const reason = error.message;
    store
      .update(
        job.id,
        { status: 'FAILED', phase: null, failureReason: reason, endedAt: new Date().toISOString() },
        ['QUEUED', 'RUNNING', 'CANCELLING'],
      )
      .then(async (updated) => {
        if (updated) await store.emit(job.id ?? '', { name: 'failed', data: { reason } });
      })
      .catch((e: Error) => log.warn({ job: job.id, reason: e.message }, 'job record'));
  });
  return {
    worker,
    async close() {
      const closed = worker.close();
      worker.cancelAllJobs('shutdown');
      await closed;
      await store.close();
    },
  };
}

import type { EmbeddedTrainer } from '@ocellus/jobs/embedded';
import { type RetryPolicy, trainingJobOptions, type trainingQueue } from '@ocellus/jobs/queue';
import type { Redis } from 'ioredis';
import type { JobLauncher } from './job-service.js';
import { queueUnavailable } from './redis-guard.js';

type TrainingQueue = ReturnType<typeof trainingQueue>;

/** Queue states in which no trainer holds the job yet, so it can simply be removed. */
const NOT_STARTED = new Set(['waiting', 'delayed', 'prioritized']);

/** Rebuilding the queue after a failed start: first after `firstDelayMs`, doubling to `MAX_RESTART_DELAY_MS`. */
export interface QueueRestart {
  firstDelayMs: number;
  onFailure(error: Error, nextDelayMs: number): void;
}

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * BullMQ: any trainer process on any host takes the job; this launcher owns the queue's connection.
 *
 * BullMQ starts a queue once (wait for the connection's ready, then INFO for the version check) and keeps that
 * start's outcome: if the connection drops between the two, every later call on the queue fails, though
 * ioredis reconnects. So a failed start closes that queue (on a shared connection, that only drops its
 * listeners) and builds another with `openQueue` after a backoff, until one starts or the launcher closes.
 */
export function queueLauncher(
  openQueue: () => TrainingQueue,
  connection: Redis,
  retry: RetryPolicy,
  restart: QueueRestart,
): JobLauncher {
  let queue = openQueue();
  // The current queue's start (wait for ready, then INFO) settles once: at the first ready, or at a failure.
  // After a failure, calls on that queue would fail with its start's error until the next queue is built.
  let start: 'pending' | 'ready' | 'failed' = 'pending';
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const watch = (starting: TrainingQueue) => {
    start = 'pending';
    starting.waitUntilReady().then(
      () => {
        start = 'ready';
        failures = 0;
      },
      async (error: Error) => {
        start = 'failed';
        if (closed || connection.status === 'end') return;
        const delayMs = Math.min(restart.firstDelayMs * 2 ** failures++, MAX_RESTART_DELAY_MS);
        restart.onFailure(error, delayMs);
        // On a shared connection this only drops the queue's listeners; nothing there can fail that matters.
        await starting.close().catch(() => {});
        timer = setTimeout(() => {
          if (closed) return;
          queue = openQueue();
          watch(queue);
        }, delayMs);
      },
    );
  };
  watch(queue);
  const started = () => {
    if (start === 'failed') throw queueUnavailable();
    return queue;
  };
  return {
    async enqueue(record) {
      await started().add('train', { model: record.spec.model }, trainingJobOptions(record.id, retry));
    },
    async dequeue(id) {
      const job = await started().getJob(id);
      if (job === undefined) return true;
      if (!NOT_STARTED.has(await job.getState())) return false;
      // 0 when a trainer locked it in the meantime; that trainer then finds the record CANCELLING.
      return (await started().remove(id)) === 1;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      // Queue.close() strips the listeners of BullMQ's connection, and a start still waiting on ours fails, once
      // disconnect() ends it, with the last socket error emitted to nobody: an unhandled rejection. So until the
      // start settles the queue stays open, its 'error' listener there to hear that; it holds nothing else.
      if (start !== 'pending') await queue.close();
      connection.disconnect();
    },
  };
}

/** Embedded mode: the trainer of this process, one job at a time. */
export function embeddedLauncher(trainer: EmbeddedTrainer): JobLauncher {
  return {
    enqueue: async (record) => trainer.enqueue(record.id),
    dequeue: async (id) => trainer.dequeue(id),
    close: () => trainer.close(),
  };
}

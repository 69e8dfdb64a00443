import type { EmbeddedTrainer } from '@ocellus/jobs/embedded';
import { type RetryPolicy, trainingJobOptions, type trainingQueue } from '@ocellus/jobs/queue';
import type { Redis } from 'ioredis';
import type { JobLauncher } from './job-service.js';

/** Queue states in which no trainer holds the job yet, so it can simply be removed. */
const NOT_STARTED = new Set(['waiting', 'delayed', 'prioritized']);

/** BullMQ: any trainer process on any host takes the job; this launcher owns the queue's connection. */
export function queueLauncher(
  queue: ReturnType<typeof trainingQueue>,
  connection: Redis,
  retry: RetryPolicy,
): JobLauncher {
  // BullMQ's start on the connection (wait for ready, then INFO) settles once: at the first ready, or at an end.
  let startSettled = false;
  const settle = () => {
    startSettled = true;
  };
  void queue.waitUntilReady().then(settle, settle);
  return {
    async enqueue(record) {
      await queue.add('train', { model: record.spec.model }, trainingJobOptions(record.id, retry));
    },
    async dequeue(id) {
      const job = await queue.getJob(id);
      if (job === undefined) return true;
      if (!NOT_STARTED.has(await job.getState())) return false;
      // 0 when a trainer locked it in the meantime; that trainer then finds the record CANCELLING.
      return (await queue.remove(id)) === 1;
    },
    async close() {
      // Queue.close() strips the listeners of BullMQ's connection, and a start still waiting on ours fails, once
      // disconnect() ends it, with the last socket error emitted to nobody: an unhandled rejection. So until the
      // start settles the queue stays open, its 'error' listener there to hear that; it holds nothing else.
      if (startSettled) await queue.close();
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

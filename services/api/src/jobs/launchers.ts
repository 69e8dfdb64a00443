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
      await queue.close();
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

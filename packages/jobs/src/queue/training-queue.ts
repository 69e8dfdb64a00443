import { TRAINING_QUEUE } from '@ocellus/contracts';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The queue's job payload: the spec and everything else live in the job record (the store). */
export interface TrainingJobData {
  model: string;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First retry delay; each next one doubles (BullMQ's exponential backoff). */
  backoffMs: number;
}

/** BullMQ keeps this many finished jobs; the job records keep the rest of the story. */
const KEEP_FINISHED = 1000;

export function trainingJobOptions(id: string, { attempts, backoffMs }: RetryPolicy): JobsOptions {
  return {
    jobId: id,
    attempts,
    backoff: { type: 'exponential', delay: backoffMs },
    removeOnComplete: { count: KEEP_FINISHED },
    removeOnFail: { count: KEEP_FINISHED },
  };
}

/** The training queue under `prefix` (the same prefix keys the job records). */
export function trainingQueue(connection: Redis, prefix: string): Queue<TrainingJobData> {
  return new Queue<TrainingJobData>(TRAINING_QUEUE, { connection, prefix });
}

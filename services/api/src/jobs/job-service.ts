import { randomUUID } from 'node:crypto';
import type { JobRecord, JobSpec, JobStatus, ListJobsQuery } from '@ocellus/contracts';
import {
  isTerminal,
  type JobEventsOptions,
  type JobStore,
  queuedRecord,
  type StoredJobEvent,
} from '@ocellus/jobs/store';
import { type JobGuard, unguarded } from './redis-guard.js';

/** Where submitted jobs go to be trained: the BullMQ queue, or the embedded trainer of this process. */
export interface JobLauncher {
  enqueue(record: JobRecord): Promise<void>;
  /** Takes a job out before a trainer starts it; false when one already has (it then sees CANCELLING). */
  dequeue(id: string): Promise<boolean>;
  close(): Promise<void>;
}

export type CancelResult =
  | { kind: 'accepted'; record: JobRecord }
  | { kind: 'finished'; record: JobRecord }
  | { kind: 'not-found' };

/**
 * The jobs API over a record store and a launcher; the same in both modes, and across API replicas. Every
 * call but the event stream runs through `guard`, which bounds it when the store and queue are remote.
 */
export class JobService {
  constructor(
    private readonly store: JobStore,
    private readonly launcher: JobLauncher,
    /** The epoch cap specs were validated with. */
    readonly maxEpochs: number,
    private readonly guard: JobGuard = unguarded,
  ) {}

  /** Records the job as QUEUED before it can start, so a trainer always finds its record. */
  submit(spec: JobSpec): Promise<JobRecord> {
    return this.guard.run(async () => {
      const record = queuedRecord(randomUUID(), spec);
      await this.store.create(record);
      try {
        await this.launcher.enqueue(record);
      } catch (error) {
        const reason = `could not be queued: ${(error as Error).message}`;
        const failed = {
          status: 'FAILED',
          failureReason: reason,
          endedAt: new Date().toISOString(),
        } as const;
        // The queue's failure is the answer; a store that is down as well leaves the record as it was.
        await this.store.update(record.id, failed).catch(() => {});
        throw error;
      }
      return record;
    });
  }

  get(id: string): Promise<JobRecord | null> {
    return this.guard.run(() => this.store.get(id));
  }

  list(query: ListJobsQuery): Promise<JobRecord[]> {
    return this.guard.run(() => this.store.list(query));
  }

  counts(): Promise<Partial<Record<JobStatus, number>>> {
    return this.guard.run(() => this.store.counts());
  }

  /** Whether the store and queue answer now; always, in embedded mode. */
  ready(): Promise<boolean> {
    return this.guard.ready();
  }

  /**
   * QUEUED or RUNNING -> CANCELLING; a job no trainer holds yet is CANCELLED at once, a running one by
   * its trainer (which polls the record) once it has stopped. Asking again changes nothing.
   */
  cancel(id: string): Promise<CancelResult> {
    return this.guard.run(() => this.cancelNow(id));
  }

  private async cancelNow(id: string): Promise<CancelResult> {
    const record = await this.store.get(id);
    if (record === null) return { kind: 'not-found' };
    if (isTerminal(record.status) && record.status !== 'CANCELLED') return { kind: 'finished', record };
    if (await this.store.update(id, { status: 'CANCELLING' }, ['QUEUED', 'RUNNING'])) {
      const waiting = await this.launcher.dequeue(id);
      const ended = { status: 'CANCELLED', phase: null, endedAt: new Date().toISOString() } as const;
      if (waiting && (await this.store.update(id, ended, ['CANCELLING']))) {
        await this.store.emit(id, { name: 'failed', data: { reason: 'cancelled' } });
      }
    }
    const now = await this.store.get(id);
    return now === null ? { kind: 'not-found' } : { kind: 'accepted', record: now };
  }

  events(id: string, options: JobEventsOptions): AsyncIterable<StoredJobEvent> {
    return this.store.events(id, options);
  }

  async close(): Promise<void> {
    await this.launcher.close();
    await this.store.close();
  }
}

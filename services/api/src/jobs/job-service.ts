import { randomUUID } from 'node:crypto';
import {
  idSchema,
  type JobRecord,
  type JobSpec,
  type JobStatus,
  type ListJobsQuery,
} from '@ocellus/contracts';
import {
  isTerminal,
  type JobEventsOptions,
  type JobPosition,
  type JobStore,
  queuedRecord,
  type StoredJobEvent,
} from '@ocellus/jobs/store';
import { invalidParameter } from '../errors.js';
import { type JobGuard, unguarded } from './redis-guard.js';

/** Where submitted jobs go to be trained: the BullMQ queue, or the embedded trainer of this process. */
export interface JobLauncher {
  enqueue(record: JobRecord): Promise<void>;
  /** Takes a job out before a trainer starts it; false when one already has (it then sees CANCELLING). */
  dequeue(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** One page of `GET /v1/jobs`, and where the next one starts when more remain. */
export interface JobPage {
  records: JobRecord[];
  nextCursor?: string;
}

/** The opaque cursor: base64url of the page's last createdAt and id, which the store orders by. */
export function encodeJobCursor({ createdAt, id }: JobPosition): string {
  return Buffer.from(`${createdAt} ${id}`).toString('base64url');
}

export function decodeJobCursor(cursor: string): JobPosition {
  const [createdAt = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(' ');
  if (rest.length > 0 || Number.isNaN(Date.parse(createdAt)) || !idSchema.safeParse(id).success) {
    throw invalidParameter('cursor: not a nextCursor this server gave out', [
      { path: 'cursor', code: 'invalid_cursor', message: 'not a nextCursor this server gave out' },
    ]);
  }
  return { createdAt, id };
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

  /** Newest first, `limit` at a time; asks the store for one more to know whether another page remains. */
  list({ status, limit, cursor }: ListJobsQuery): Promise<JobPage> {
    const after = cursor === undefined ? undefined : decodeJobCursor(cursor);
    return this.guard.run(async () => {
      const found = await this.store.list({ status, limit: limit + 1, after });
      const records = found.slice(0, limit);
      const last = records.at(-1);
      return found.length > limit && last !== undefined
        ? { records, nextCursor: encodeJobCursor(last) }
        : { records };
    });
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

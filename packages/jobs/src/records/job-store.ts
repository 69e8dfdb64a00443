import type {
  JobEventName,
  JobHistoryEntry,
  JobRecord,
  JobStatus,
  jobEventSchemas,
} from '@ocellus/contracts';
import type { z } from 'zod';

/** One Server-Sent Event of a job, as stored: its name and the payload of `jobEventSchemas[name]`. */
export type JobEvent = {
  [K in JobEventName]: { name: K; data: z.infer<(typeof jobEventSchemas)[K]> };
}[JobEventName];

/** A stored event with its position in the job's event log (usable as SSE `id` / `Last-Event-ID`). */
export type StoredJobEvent = JobEvent & { id: string };

/** The fields a runner or the API may change; id, spec, history and createdAt are written once. */
export type JobPatch = Partial<Omit<JobRecord, 'id' | 'spec' | 'history' | 'createdAt'>>;

/** A place in the newest-first order of jobs: by creation time, then by id (both descending). */
export interface JobPosition {
  createdAt: string;
  id: string;
}

export interface ListJobsOptions {
  status?: JobStatus | undefined;
  limit: number;
  /** Only jobs after this one in the order (the last of the previous page). */
  after?: JobPosition | undefined;
}

/** Whether `a` comes before `b` newest first: later creation first, then the larger id. */
export function newerFirst(a: JobPosition, b: JobPosition): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export interface JobEventsOptions {
  /** Replay only what follows this event id (SSE `Last-Event-ID`); everything when absent. */
  after?: string | undefined;
  /** Keep waiting for new events after the stored ones, until `signal` aborts. */
  follow: boolean;
  signal?: AbortSignal;
}

/**
 * Job records (spec, status, progress, history, result) and each job's event log, kept apart from
 * BullMQ's own job data so they outlive `removeOnComplete` trimming and restarts of every process.
 */
export interface JobStore {
  create(record: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | null>;
  status(id: string): Promise<JobStatus | null>;
  /** Newest first (`newerFirst`), from just after `after` when given. */
  list(options: ListJobsOptions): Promise<JobRecord[]>;
  /** How many jobs are in each status (statuses with none are left out). */
  counts(): Promise<Partial<Record<JobStatus, number>>>;
  /** Applies `patch` atomically when the job's status is one of `from` (any status when omitted). */
  update(id: string, patch: JobPatch, from?: readonly JobStatus[]): Promise<boolean>;
  appendHistory(id: string, entry: JobHistoryEntry): Promise<void>;
  emit(id: string, event: JobEvent): Promise<void>;
  events(id: string, options: JobEventsOptions): AsyncIterable<StoredJobEvent>;
  close(): Promise<void>;
}

export const TERMINAL_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

/** `completed` and `failed` end a job's event stream. */
export const isFinalEvent = (event: JobEvent) => event.name === 'completed' || event.name === 'failed';

/** A fresh record in state QUEUED. */
export function queuedRecord(id: string, spec: JobRecord['spec'], now = new Date()): JobRecord {
  return {
    id,
    status: 'QUEUED',
    phase: null,
    spec,
    progress: null,
    history: [],
    attemptsMade: 0,
    failureReason: null,
    result: null,
    createdAt: now.toISOString(),
    startedAt: null,
    endedAt: null,
  };
}

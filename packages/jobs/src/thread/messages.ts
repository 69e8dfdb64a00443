import type { JobHistoryEntry, JobPhase, JobProgress, JobResult } from '@ocellus/contracts';

/** What the training thread is started with (`workerData`). */
export interface ThreadInput {
  jobId: string;
  /** The spec as stored; the thread validates it again with the deployment's epoch cap. */
  spec: unknown;
  registryRoot: string;
  maxEpochs: number;
  checkpointPath: string;
}

/**
 * Why a run is stopped: `cancel` ends the job; `shutdown` (the worker is closing) and `lock-lost` (another
 * worker may own the job now) leave it to be resumed from its checkpoint.
 */
export type AbortReason = 'cancel' | 'shutdown' | 'lock-lost';

export type MainMessage = { type: 'abort'; reason: AbortReason };

/** The thread's reports; the last one is always `succeeded`, `aborted` or `failed`. */
export type ThreadReport =
  | { type: 'phase'; phase: JobPhase }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'epoch'; entry: JobHistoryEntry }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'checkpoint'; epoch: number }
  | { type: 'succeeded'; result: JobResult }
  | { type: 'aborted'; reason: AbortReason; checkpointed: boolean }
  | { type: 'failed'; reason: string; retryable: boolean };

export type FinalReport = Extract<ThreadReport, { type: 'succeeded' | 'aborted' | 'failed' }>;

export const isFinal = (report: ThreadReport): report is FinalReport =>
  report.type === 'succeeded' || report.type === 'aborted' || report.type === 'failed';

import type { JobStatus } from '@ocellus/contracts';
import type { RetryPolicy } from './queue/training-queue.js';
import { FileJobStore } from './records/file-job-store.js';
import { type JobLog, runJob } from './run-job.js';

export interface EmbeddedTrainerOptions {
  registryRoot: string;
  maxEpochs: number;
  retry: RetryPolicy;
  log: JobLog;
  cancelPollMs?: number;
  progressIntervalMs?: number;
}

/** Jobs left unfinished by the previous process: run again, resuming from their checkpoints. */
const UNFINISHED: readonly JobStatus[] = ['QUEUED', 'RUNNING', 'CANCELLING'];

/**
 * Embedded mode (no Redis): the same runner and training thread as the BullMQ worker, one job at a time
 * in submission order, records on disk beside the registry, retries with the same exponential backoff.
 */
export class EmbeddedTrainer {
  private readonly waiting: string[] = [];
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private running: { id: string; controller: AbortController; done: Promise<void> } | null = null;
  private closed = false;

  private constructor(
    readonly store: FileJobStore,
    private readonly options: EmbeddedTrainerOptions,
  ) {}

  static async open(options: EmbeddedTrainerOptions): Promise<EmbeddedTrainer> {
    const trainer = new EmbeddedTrainer(await FileJobStore.open(options.registryRoot), options);
    const unfinished = await trainer.store.list({ limit: Number.MAX_SAFE_INTEGER });
    for (const record of unfinished.reverse()) {
      if (UNFINISHED.includes(record.status)) trainer.enqueue(record.id);
    }
    return trainer;
  }

  enqueue(id: string): void {
    if (this.closed) return;
    this.waiting.push(id);
    this.pump();
  }

  /** Takes a job out before it starts; false when it is running (the runner's cancel poll stops it). */
  dequeue(id: string): boolean {
    const timer = this.retryTimers.get(id);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.retryTimers.delete(id);
      return true;
    }
    const at = this.waiting.indexOf(id);
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    return true;
  }

  private pump(): void {
    if (this.running !== null || this.closed) return;
    const id = this.waiting.shift();
    if (id === undefined) return;
    const controller = new AbortController();
    const done = this.run(id, controller.signal)
      .catch((error: Error) => this.options.log.warn({ job: id, reason: error.message }, 'embedded job'))
      .finally(() => {
        this.running = null;
        this.pump();
      });
    this.running = { id, controller, done };
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    const record = await this.store.get(id);
    const failures = this.failures.get(id) ?? 0;
    const { attempts, backoffMs } = this.options.retry;
    const outcome = await runJob({
      id,
      store: this.store,
      registryRoot: this.options.registryRoot,
      maxEpochs: this.options.maxEpochs,
      attempt: (record?.attemptsMade ?? 0) + 1,
      finalAttempt: failures + 1 >= attempts,
      signal,
      log: this.options.log,
      ...(this.options.cancelPollMs ? { cancelPollMs: this.options.cancelPollMs } : {}),
      ...(this.options.progressIntervalMs ? { progressIntervalMs: this.options.progressIntervalMs } : {}),
    });
    if (outcome.kind !== 'failed' || !outcome.retryable || failures + 1 >= attempts || this.closed) return;
    this.failures.set(id, failures + 1);
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(id);
        this.enqueue(id);
      },
      backoffMs * 2 ** failures,
    );
    this.retryTimers.set(id, timer);
  }

  /** Checkpoints the running job and leaves it QUEUED for the next start; waiting jobs stay QUEUED too. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    if (this.running) {
      this.running.controller.abort('shutdown');
      await this.running.done;
    }
    await this.store.close();
  }
}

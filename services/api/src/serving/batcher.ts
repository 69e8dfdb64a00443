export interface BatcherOptions {
  /** Most items (images) run in one call. */
  maxBatchSize: number;
  /** Longest wait, from the first item of a batch, for more items to join it. */
  maxDelayMs: number;
  /** Most items waiting (not yet running) before new submissions are refused. */
  maxQueue: number;
}

export type ItemResult<R> = { ok: true; value: R } | { ok: false; error: Error };

export interface BatchedResults<R> {
  results: ItemResult<R>[];
  /** Longest wait of the request's items before their batch started. */
  queueMs: number;
  /** Longest run of the batches that held the request's items. */
  inferMs: number;
}

export class OverloadedError extends Error {
  constructor(queued: number, limit: number) {
    super(`the inference queue is full (${queued} of ${limit} images waiting)`);
    this.name = 'OverloadedError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('the request was cancelled before its batch ran');
    this.name = 'CancelledError';
  }
}

interface Entry<I, R> {
  item: I;
  enqueuedAt: number;
  settle(result: ItemResult<R>, queueMs: number, inferMs: number): void;
}

interface Group<I, R> {
  entries: Entry<I, R>[];
  due: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** Runs one batch: one result per item, in order; throwing fails the batch (items are then retried alone). */
export type RunBatch<I, R> = (key: string, items: I[]) => Promise<R[]> | R[];

/**
 * Dynamic batching (Triton's dynamic batcher, TorchServe's batch_size / max_batch_delay): items with the
 * same key wait up to `maxDelayMs` from the first of them, or until `maxBatchSize` are there, and run as
 * one call; one batch runs at a time and items arriving meanwhile gather for the next one.
 */
export class DynamicBatcher<I, R> {
  private readonly groups = new Map<string, Group<I, R>>();
  private queued = 0;
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: BatcherOptions,
    private readonly run: RunBatch<I, R>,
    private readonly onBatch: (size: number) => void = () => {},
  ) {}

  /** Items waiting for a batch. */
  get depth(): number {
    return this.queued;
  }

  /** Resolves once nothing is waiting or running (used before a model is disposed). */
  whenIdle(): Promise<void> {
    if (!this.running && this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  submit(key: string, items: I[], signal?: AbortSignal): Promise<BatchedResults<R>> {
    if (this.queued + items.length > this.options.maxQueue) {
      return Promise.reject(new OverloadedError(this.queued, this.options.maxQueue));
    }
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (items.length === 0) return Promise.resolve({ results: [], queueMs: 0, inferMs: 0 });
    return new Promise((resolve) => {
      const results: ItemResult<R>[] = new Array(items.length);
      let remaining = items.length;
      let queueMs = 0;
      let inferMs = 0;
      const entries = items.map(
        (item, i): Entry<I, R> => ({
          item,
          enqueuedAt: performance.now(),
          settle: (result, waited, ran) => {
            results[i] = result;
            queueMs = Math.max(queueMs, waited);
            inferMs = Math.max(inferMs, ran);
            if (--remaining === 0) {
              signal?.removeEventListener('abort', cancel);
              resolve({ results, queueMs, inferMs });
            }
          },
        }),
      );
      const cancel = () => this.withdraw(key, entries);
      signal?.addEventListener('abort', cancel, { once: true });
      for (const entry of entries) this.enqueue(key, entry);
      this.pump();
    });
  }

  private enqueue(key: string, entry: Entry<I, R>): void {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { entries: [], due: false, timer: undefined };
      this.groups.set(key, group);
    }
    group.entries.push(entry);
    this.queued++;
    if (group.timer === undefined && !group.due) {
      const waiting = group;
      waiting.timer = setTimeout(() => {
        waiting.timer = undefined;
        waiting.due = true;
        this.pump();
      }, this.options.maxDelayMs);
    }
  }

  /** Takes a cancelled request's waiting items out of the queue; items already running finish normally. */
  private withdraw(key: string, entries: Entry<I, R>[]): void {
    const group = this.groups.get(key);
    if (group === undefined) return;
    const leaving = new Set(entries);
    const removed = group.entries.filter((entry) => leaving.has(entry));
    if (removed.length === 0) return;
    group.entries = group.entries.filter((entry) => !leaving.has(entry));
    this.queued -= removed.length;
    if (group.entries.length === 0) this.dropGroup(key, group);
    for (const entry of removed) entry.settle({ ok: false, error: new CancelledError() }, 0, 0);
  }

  private dropGroup(key: string, group: Group<I, R>): void {
    clearTimeout(group.timer);
    this.groups.delete(key);
  }

  private pump(): void {
    if (this.running) return;
    if (this.queued === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
      return;
    }
    for (const [key, group] of this.groups) {
      if (!group.due && group.entries.length < this.options.maxBatchSize) continue;
      const batch = group.entries.splice(0, this.options.maxBatchSize);
      this.queued -= batch.length;
      if (group.entries.length === 0) this.dropGroup(key, group);
      this.running = true;
      void this.execute(key, batch).finally(() => {
        this.running = false;
        this.pump();
      });
      return;
    }
  }

  private async execute(key: string, batch: Entry<I, R>[]): Promise<void> {
    const started = performance.now();
    this.onBatch(batch.length);
    try {
      const values = await this.run(
        key,
        batch.map((entry) => entry.item),
      );
      if (values.length !== batch.length)
        throw new Error(`batch of ${batch.length} gave ${values.length} results`);
      const ran = performance.now() - started;
      batch.forEach((entry, i) => {
        entry.settle({ ok: true, value: values[i]! }, started - entry.enqueuedAt, ran);
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.settle(
          { ok: false, error: asError(error) },
          started - batch[0]!.enqueuedAt,
          performance.now() - started,
        );
        return;
      }
      // One bad item must not fail the others: run each alone so only the failing one reports it.
      for (const entry of batch) await this.execute(key, [entry]);
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

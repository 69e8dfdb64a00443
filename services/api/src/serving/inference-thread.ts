import { Worker } from 'node:worker_threads';
import type { HostReply, HostRequest } from './host-messages.js';
import { ResourceExhaustedError } from './model-host.js';

/** A request before the thread numbers it (`Omit` over each member of the union). */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
type Request = WithoutId<HostRequest>;

/** The thread stopped (crashed, ran out of heap, or was closed) while a call was pending. */
export class InferenceThreadError extends Error {
  override readonly name = 'InferenceThreadError';
}

/**
 * One worker thread running `model-thread.js`, restarted on the next call after it dies. `generation`
 * counts the workers started, so a model can tell whether the current one has it loaded. The worker keeps
 * the process alive only while a call is pending.
 */
export class InferenceThread {
  private worker: Worker | undefined;
  private started = 0;
  private nextId = 1;
  private closed = false;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(private readonly options: { heapLimitMb: number; script: URL; nice: number }) {}

  /** The current worker's number, starting one when none runs. */
  generation(): number {
    this.current();
    return this.started;
  }

  call(request: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.closed) return Promise.reject(new InferenceThreadError('the inference thread is closed'));
    const worker = this.current();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(new InferenceThreadError('the inference thread is closed'));
    await worker?.terminate();
  }

  private current(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(this.options.script, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapLimitMb },
      workerData: { nice: this.options.nice },
    });
    worker.unref();
    worker.on('message', (reply: HostReply) => this.settle(worker, reply));
    worker.on('error', (error: Error) => this.stopped(worker, error.message));
    worker.on('exit', (code: number) => this.stopped(worker, `exit code ${code}`));
    this.worker = worker;
    this.started++;
    return worker;
  }

  private settle(worker: Worker, reply: HostReply): void {
    const waiter = this.pending.get(reply.id);
    if (waiter === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.ok) waiter.resolve(reply.value);
    else if (reply.error.outOfMemory) waiter.reject(new ResourceExhaustedError(reply.error.message));
    else waiter.reject(new Error(reply.error.message));
  }

  private stopped(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.rejectAll(
      new InferenceThreadError(`the inference thread stopped (${reason}); it restarts on the next request`),
    );
  }

  private rejectAll(error: Error): void {
    const waiters = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of waiters) waiter.reject(error);
  }
}

import { Worker } from 'node:worker_threads';
import { CALL_FIELDS, type IgemmCall, runUnit, unitCount } from './igemm.js';
import type { SimdRuntime } from './runtime.js';

// Workers that share igemm calls with the calling thread over the runtime's shared memory. Every
// participant claims work units from one atomic counter, so a descheduled worker (a busy machine)
// costs at most the unit it holds: the caller takes the rest.

export const SEQ = 0;
const NEXT = 1;
export const INFLIGHT = 2;
export const DEAD = 3;
const GRAIN = 4;
/** Workers up and waiting for calls. */
export const READY = 5;
/** Units run by workers so far (diagnostics). */
const WORKER_UNITS = 6;
const PARAMS = 7;
export const CONTROL_INTS = PARAMS + CALL_FIELDS.length;

/** NEXT while the parameters are being written: every claim then fails. */
const CLOSED = 1 << 30;
/** Units per participant, so that one slow thread holds up little. */
const UNITS_PER_THREAD = 8;
const WAIT_SLICE_MS = 100;

function readCall(i32: Int32Array): IgemmCall {
  const call = {} as IgemmCall;
  CALL_FIELDS.forEach((field, i) => {
    call[field] = i32[PARAMS + i]!;
  });
  return call;
}

/** Claims and runs units of the current call until none is left (callers and workers alike). */
export function participate(rt: SimdRuntime, i32: Int32Array, worker: boolean): void {
  Atomics.add(i32, INFLIGHT, 1);
  try {
    for (;;) {
      const u = Atomics.add(i32, NEXT, 1);
      if (u >= CLOSED) break;
      const call = readCall(i32);
      const grain = i32[GRAIN]!;
      if (u >= unitCount(call, grain)) break;
      runUnit(rt, call, grain, u);
      if (worker) Atomics.add(i32, WORKER_UNITS, 1);
    }
  } finally {
    Atomics.sub(i32, INFLIGHT, 1);
    Atomics.notify(i32, INFLIGHT);
  }
}

/** What a worker receives at start-up (see igemm-worker.ts). */
export interface IgemmWorkerInit {
  memory: object;
  relaxed: boolean;
  control: SharedArrayBuffer;
}

export class IgemmPool {
  private readonly i32 = new Int32Array(new SharedArrayBuffer(4 * CONTROL_INTS));
  private readonly workers: Worker[] = [];

  constructor(
    private readonly rt: SimdRuntime,
    readonly threads: number,
  ) {
    const workerData: IgemmWorkerInit = {
      memory: rt.memory,
      relaxed: rt.relaxed,
      control: this.i32.buffer as SharedArrayBuffer,
    };
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(new URL('./igemm-worker.js', import.meta.url), { workerData, execArgv: [] });
      worker.unref();
      worker.on('error', () => Atomics.store(this.i32, DEAD, 1));
      this.workers.push(worker);
    }
  }

  /** Workers started and ready, and the units they have run so far. */
  get stats(): { workers: number; ready: number; workerUnits: number } {
    const i32 = this.i32;
    return {
      workers: this.workers.length,
      ready: Atomics.load(i32, READY),
      workerUnits: Atomics.load(i32, WORKER_UNITS),
    };
  }

  /** Whether a worker has died: the pool then stops taking calls. */
  get dead(): boolean {
    return Atomics.load(this.i32, DEAD) !== 0;
  }

  /** Runs the call with every worker that is up (workers still starting simply miss it). */
  run(call: IgemmCall): void {
    const i32 = this.i32;
    Atomics.store(i32, NEXT, CLOSED);
    // A worker that woke late for the last call may still be between its claim and reading the
    // parameters: let it leave before they change, or it would run a unit of a half-written call.
    this.waitIdle();
    CALL_FIELDS.forEach((field, i) => {
      i32[PARAMS + i] = call[field];
    });
    // Register blocks per chunk, counted at the widest block (6 rows): the grain is only a granularity.
    const blocks = Math.ceil(call.rowCount / 6);
    i32[GRAIN] = Math.max(1, Math.ceil(blocks / (this.threads * UNITS_PER_THREAD)));
    Atomics.store(i32, NEXT, 0);
    Atomics.add(i32, SEQ, 1);
    Atomics.notify(i32, SEQ);
    participate(this.rt, i32, false);
    this.waitIdle();
  }

  /** Waits until no thread is inside `participate` (units still running on workers, late claims). */
  private waitIdle(): void {
    const i32 = this.i32;
    for (let v = Atomics.load(i32, INFLIGHT); v !== 0; v = Atomics.load(i32, INFLIGHT)) {
      if (Atomics.wait(i32, INFLIGHT, v, WAIT_SLICE_MS) === 'timed-out' && this.dead) {
        throw new Error('igemm: a SIMD worker died during the call');
      }
    }
  }
}

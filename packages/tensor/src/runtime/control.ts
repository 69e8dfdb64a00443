/** Int32 slots of the control block that the calling thread and the workers share. */
export const ABORT = 0;
/** Bumped for each dispatch; a worker takes part only while OPEN still holds the number it was woken with. */
const OPEN = 1;
/** What the current dispatch runs (TASK_GEMM, TASK_IGEMM, TASK_ROI_ALIGN, TASK_SPATIAL, TASK_ROI_ALIGN_SIMD) and how many threads take part, caller included. */
export const TASK = 2;
export const PARTICIPANTS = 3;
/** Bumped each time values are posted to the workers (the GEMM's operand arrays). */
export const POSTED_SEQ = 4;
/** Test hook: the worker with this index (1-based participant) exits during the next dispatch. */
export const EXIT_WORKER = 5;
/** igemm and spatial-conv units run by workers so far (diagnostics). */
export const WORKER_UNITS = 6;
/** First slot of the task's own parameters and counters (see gemm/job.ts and kernels/simd/igemm.ts). */
export const PARAMS = 8;
const PARAM_INTS = 40;
export const MAX_WORKERS = 64;
/** Per-worker slots: the dispatch it was woken for, whether it is inside one, its state. */
const WORKER_SLOTS = PARAMS + PARAM_INTS;
export const workerGen = (w: number) => WORKER_SLOTS + 3 * w;
export const workerBusy = (w: number) => WORKER_SLOTS + 3 * w + 1;
export const workerState = (w: number) => WORKER_SLOTS + 3 * w + 2;
export const STATE_BOOTING = 0;
export const STATE_READY = 1;
export const STATE_DEAD = 2;

export const TASK_GEMM = 1;
export const TASK_IGEMM = 2;
export const TASK_ROI_ALIGN = 3;
export const TASK_SPATIAL = 4;
export const TASK_ROI_ALIGN_SIMD = 5;
export const TASK_NAMES: Record<number, string> = {
  [TASK_GEMM]: 'gemm',
  [TASK_IGEMM]: 'igemm',
  [TASK_ROI_ALIGN]: 'roiAlign',
  [TASK_SPATIAL]: 'spatialConv',
  [TASK_ROI_ALIGN_SIMD]: 'roiAlign',
};

/** Even, so that the float64 slots after the ints are 8-byte aligned. */
const INTS = (WORKER_SLOTS + 3 * MAX_WORKERS + 1) & ~1;
const FLOATS = 2;
const ERROR_BYTES = 1024;

/** Thrown inside a participant when another one failed; the recorded failure is what the caller sees. */
export class Aborted extends Error {}

/** The shared block through which the calling thread and the workers coordinate with Atomics. */
export class Control {
  readonly i32: Int32Array;
  /** Float parameters of the task (the GEMM's alpha and beta, RoIAlign's spatial scale). */
  readonly f64: Float64Array;
  private readonly text: Uint8Array;

  constructor(
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(INTS * 4 + 8 * FLOATS + ERROR_BYTES),
  ) {
    this.i32 = new Int32Array(buffer, 0, INTS);
    this.f64 = new Float64Array(buffer, INTS * 4, FLOATS);
    this.text = new Uint8Array(buffer, INTS * 4 + 8 * FLOATS, ERROR_BYTES);
  }

  /** Opens dispatch `seq`: workers woken for it may take part until `close`. */
  open(seq: number): void {
    Atomics.store(this.i32, ABORT, 0);
    Atomics.store(this.i32, OPEN, seq);
  }

  close(): void {
    Atomics.store(this.i32, OPEN, 0);
  }

  isOpen(seq: number): boolean {
    return Atomics.load(this.i32, OPEN) === seq;
  }

  /** Records the first failure of this dispatch and wakes every waiter so that all participants stop. */
  fail(message: string): void {
    if (Atomics.compareExchange(this.i32, ABORT, 0, 1) !== 0) return;
    const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES - 4);
    this.text.set(bytes, 4);
    new DataView(this.text.buffer, this.text.byteOffset, 4).setUint32(0, bytes.length, true);
    Atomics.store(this.i32, ABORT, 2);
    for (let slot = 0; slot < INTS; slot++) Atomics.notify(this.i32, slot);
  }

  aborted(): boolean {
    return Atomics.load(this.i32, ABORT) !== 0;
  }

  error(): string {
    const length = new DataView(this.text.buffer, this.text.byteOffset, 4).getUint32(0, true);
    return new TextDecoder().decode(this.text.slice(4, 4 + length));
  }
}

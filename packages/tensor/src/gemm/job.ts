/** One dispatch of work: a column chunk of C = alpha op(A) op(B) + beta C, blocked and laid out in scratch. */
export interface Job {
  /** Index into KERNEL_CODES. */
  kernel: number;
  transA: boolean;
  transB: boolean;
  m: number;
  /** Columns of this chunk, starting at column col0 of op(B) and C. */
  n: number;
  k: number;
  col0: number;
  aOff: number;
  lda: number;
  bOff: number;
  ldb: number;
  cOff: number;
  ldc: number;
  kc: number;
  mc: number;
  nt: number;
  tilesM: number;
  tilesN: number;
  /**
   * Units of B packing handed out to the threads: micro-panels, or blocks of rb rows of op(B) when
   * SIMD packing stages rows. B is packed once into scratch at bBase and shared by all threads.
   */
  units: number;
  rb: number;
  /** 1 when the SIMD kernel reads A rows unpacked (blockRows), 0 when it packs A. */
  aRows: number;
  bBase: number;
  /** Participant t owns scratch bytes [regionBase + t * regionBytes, + regionBytes): its A block and C tile. */
  regionBase: number;
  regionBytes: number;
  alpha: number;
  beta: number;
}

const INT_FIELDS = [
  'kernel',
  'm',
  'n',
  'k',
  'col0',
  'aOff',
  'lda',
  'bOff',
  'ldb',
  'cOff',
  'ldc',
  'kc',
  'mc',
  'nt',
  'tilesM',
  'tilesN',
  'units',
  'rb',
  'aRows',
  'bBase',
  'regionBase',
  'regionBytes',
] as const;

/** Int32 slots of the control block. */
export const ABORT = 0;
export const UNIT_NEXT = 1;
export const UNIT_DONE = 2;
export const TILE_NEXT = 3;
/** Bumped each time the operand arrays are posted to the workers. */
export const OPERANDS_SEQ = 4;
/** Test hook: the worker with this index (1-based participant) exits during the next job. */
export const EXIT_WORKER = 5;
const TRANS_A = 6;
const TRANS_B = 7;
const FIELDS = 8;
/** Per-worker slots: its job generation, the generation it finished, its state. */
const WORKER_SLOTS = FIELDS + INT_FIELDS.length;
export const MAX_WORKERS = 64;
export const workerGen = (w: number) => WORKER_SLOTS + 3 * w;
export const workerDone = (w: number) => WORKER_SLOTS + 3 * w + 1;
export const workerState = (w: number) => WORKER_SLOTS + 3 * w + 2;
export const STATE_BOOTING = 0;
export const STATE_READY = 1;
export const STATE_DEAD = 2;

/** Even, so that the float64 slots after the ints are 8-byte aligned. */
const INTS = (WORKER_SLOTS + 3 * MAX_WORKERS + 1) & ~1;
const ERROR_BYTES = 1024;

/** The shared block through which the calling thread and the workers coordinate with Atomics. */
export class Control {
  readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly text: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(INTS * 4 + 16 + ERROR_BYTES)) {
    this.i32 = new Int32Array(buffer, 0, INTS);
    this.f64 = new Float64Array(buffer, INTS * 4, 2);
    this.text = new Uint8Array(buffer, INTS * 4 + 16, ERROR_BYTES);
  }

  write(job: Job): void {
    for (let f = 0; f < INT_FIELDS.length; f++) this.i32[FIELDS + f] = job[INT_FIELDS[f]!];
    this.i32[TRANS_A] = job.transA ? 1 : 0;
    this.i32[TRANS_B] = job.transB ? 1 : 0;
    this.f64[0] = job.alpha;
    this.f64[1] = job.beta;
    this.i32[ABORT] = 0;
    this.i32[UNIT_NEXT] = 0;
    this.i32[UNIT_DONE] = 0;
    this.i32[TILE_NEXT] = 0;
  }

  read(): Job {
    const job = { transA: this.i32[TRANS_A] === 1, transB: this.i32[TRANS_B] === 1 } as Job;
    for (let f = 0; f < INT_FIELDS.length; f++) job[INT_FIELDS[f]!] = this.i32[FIELDS + f]!;
    job.alpha = this.f64[0]!;
    job.beta = this.f64[1]!;
    return job;
  }

  /** Records the first failure of this job and wakes every waiter so that all participants stop. */
  fail(message: string): void {
    if (Atomics.compareExchange(this.i32, ABORT, 0, 1) !== 0) return;
    const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES - 4);
    this.text.set(bytes, 4);
    new DataView(this.buffer, INTS * 4 + 16, 4).setUint32(0, bytes.length, true);
    Atomics.store(this.i32, ABORT, 2);
    for (let slot = 0; slot < INTS; slot++) Atomics.notify(this.i32, slot);
  }

  aborted(): boolean {
    return Atomics.load(this.i32, ABORT) !== 0;
  }

  error(): string {
    const length = new DataView(this.buffer, INTS * 4 + 16, 4).getUint32(0, true);
    return new TextDecoder().decode(this.text.slice(4, 4 + length));
  }
}

import { type Control, PARAMS } from '../runtime/control.js';

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

/** Int32 slots of the job in the runtime's control block: work counters, then the job's fields. */
export const UNIT_NEXT = PARAMS;
export const UNIT_DONE = PARAMS + 1;
export const TILE_NEXT = PARAMS + 2;
const TRANS_A = PARAMS + 3;
const TRANS_B = PARAMS + 4;
const FIELDS = PARAMS + 5;

/** Writes the job into the control block, its counters at zero. */
export function writeJob(control: Control, job: Job): void {
  const i32 = control.i32;
  for (let f = 0; f < INT_FIELDS.length; f++) i32[FIELDS + f] = job[INT_FIELDS[f]!];
  i32[TRANS_A] = job.transA ? 1 : 0;
  i32[TRANS_B] = job.transB ? 1 : 0;
  control.f64[0] = job.alpha;
  control.f64[1] = job.beta;
  i32[UNIT_NEXT] = 0;
  i32[UNIT_DONE] = 0;
  i32[TILE_NEXT] = 0;
}

export function readJob(control: Control): Job {
  const i32 = control.i32;
  const job = { transA: i32[TRANS_A] === 1, transB: i32[TRANS_B] === 1 } as Job;
  for (let f = 0; f < INT_FIELDS.length; f++) job[INT_FIELDS[f]!] = i32[FIELDS + f]!;
  job.alpha = control.f64[0]!;
  job.beta = control.f64[1]!;
  return job;
}

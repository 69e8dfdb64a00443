import { type Control, PARAMS, TASK_IGEMM, WORKER_UNITS } from '../../runtime/control.js';
import { defaultThreads, type Runtime } from '../../runtime/index.js';
import type { Instance } from '../../runtime/modules.js';
import { BLOCK_ROWS } from './igemm-module.js';

/** Channels per kernel call: two f32x4 vectors. */
export const CHUNK = 8;

/** One indirect GEMM over every row and channel; addresses and strides in bytes (see igemm-module.ts). */
export interface IgemmCall {
  src: number;
  rows: number;
  rowCount: number;
  cols: number;
  k: number;
  b: number;
  ldb: number;
  cbase: number;
  cOff: number;
  fStride: number;
  channels: number;
  /** Address of the bias, padded with zeros to a multiple of 4 channels; 0 without. */
  bias: number;
  flags: number;
  /**
   * Independent GEMMs of the same sizes and tables in one call (default 1), batch i at src + i srcStep,
   * b + i bStep and cOff + i cStep: one dispatch shares all of them between the threads.
   */
  batches?: number;
  srcStep?: number;
  bStep?: number;
  cStep?: number;
}

/** The call's fields in a fixed order, to pass it to other threads through shared memory. */
export const CALL_FIELDS = [
  'src',
  'rows',
  'rowCount',
  'cols',
  'k',
  'b',
  'ldb',
  'cbase',
  'cOff',
  'fStride',
  'channels',
  'bias',
  'flags',
  'batches',
  'srcStep',
  'bStep',
  'cStep',
] as const satisfies readonly (keyof IgemmCall)[];

function chunk(call: IgemmCall, f0: number) {
  const nf = Math.min(CHUNK, call.channels - f0);
  const nv = Math.ceil(nf / 4);
  const mr = BLOCK_ROWS[nv]!;
  const blocks = Math.floor(call.rowCount / mr);
  return { nf, nv, mr, blocks, rest: call.rowCount - blocks * mr };
}

/** Work units of one batch: per 8-channel chunk, runs of `grain` full register blocks, then the remainder rows. */
function batchUnits(call: IgemmCall, grain: number): number {
  let units = 0;
  for (let f0 = 0; f0 < call.channels; f0 += CHUNK) {
    const { blocks, rest } = chunk(call, f0);
    units += Math.ceil(blocks / grain) + (rest > 0 ? 1 : 0);
  }
  return units;
}

/** Work units of the call: every batch's. */
export const unitCount = (call: IgemmCall, grain: number): number =>
  (call.batches ?? 1) * batchUnits(call, grain);

/** Where a thread finds its igemm blocks: the runtime, or a worker's instance of the modules. */
type Blocks = Pick<Instance, 'igemm'>;

/** Runs unit `u` (any order, any thread: units write disjoint outputs). */
export function runUnit(rt: Blocks, call: IgemmCall, grain: number, u: number): void {
  const perBatch = batchUnits(call, grain);
  const batch = Math.floor(u / perBatch);
  const { rows, cols, k, ldb, cbase, fStride, bias, flags } = call;
  const src = call.src + batch * (call.srcStep ?? 0);
  const b = call.b + batch * (call.bStep ?? 0);
  const cOff = call.cOff + batch * (call.cStep ?? 0);
  let left = u - batch * perBatch;
  for (let f0 = 0; f0 < call.channels; f0 += CHUNK) {
    const { nf, nv, mr, blocks, rest } = chunk(call, f0);
    const runs = Math.ceil(blocks / grain);
    const here = runs + (rest > 0 ? 1 : 0);
    if (left >= here) {
      left -= here;
      continue;
    }
    const first = left < runs ? left * grain * mr : blocks * mr;
    const count = left < runs ? Math.min(grain, blocks - left * grain) : 1;
    const shape = left < runs ? { nv, mr } : { nv, mr: rest };
    const done = 4 * first;
    rt.igemm(shape)(
      src,
      rows + done,
      count,
      cols,
      k,
      b + 4 * f0,
      ldb,
      cbase + done,
      cOff + f0 * fStride,
      fStride,
      nf,
      bias === 0 ? 0 : bias + 4 * f0,
      flags,
    );
    return;
  }
  throw new RangeError(`igemm: unit ${u} is past the last one`);
}

/** Slots of a pooled call in the runtime's control block: the unit counter, the grain, the call. */
const NEXT = PARAMS;
const GRAIN = PARAMS + 1;
const FIELDS = PARAMS + 2;

/** Claims and runs units of the call in the control block until none is left (caller and workers alike). */
export function participate(rt: Blocks, control: Control, worker: boolean): void {
  const i32 = control.i32;
  const call = {} as IgemmCall;
  CALL_FIELDS.forEach((field, i) => {
    call[field] = i32[FIELDS + i]!;
  });
  const grain = i32[GRAIN]!;
  const units = unitCount(call, grain);
  for (let u = Atomics.add(i32, NEXT, 1); u < units; u = Atomics.add(i32, NEXT, 1)) {
    runUnit(rt, call, grain, u);
    if (worker) Atomics.add(i32, WORKER_UNITS, 1);
  }
}

export interface IgemmOptions {
  /** Threads taking part, the caller included; default the runtime's (OCELLUS_THREADS or one per core). */
  threads?: number;
  /** Calls of fewer multiply-adds (rows x k x channels) run on the caller alone. */
  parallelMin?: number;
}

/**
 * Below this many multiply-adds the caller runs a call alone: waking a worker costs some tens of
 * microseconds, about 0.5 M multiply-adds of this kernel.
 */
export const PARALLEL_MIN_MACS = 1 << 21;
/** Units per participant, so that one slow thread holds up little. */
const UNITS_PER_THREAD = 8;

/** Runs the call: alone in whole chunks, or in units shared with the runtime's workers. */
export function igemm(rt: Runtime, call: IgemmCall, options: IgemmOptions = {}): void {
  if (call.rowCount === 0 || call.k === 0) return;
  const macs = call.rowCount * call.k * call.channels * (call.batches ?? 1);
  const threads =
    macs >= (options.parallelMin ?? PARALLEL_MIN_MACS) ? (options.threads ?? defaultThreads) : 1;
  if (threads > 1) {
    const { control } = rt.pool;
    const i32 = control.i32;
    CALL_FIELDS.forEach((field, i) => {
      i32[FIELDS + i] = call[field] ?? (field === 'batches' ? 1 : 0);
    });
    // Register blocks per unit, counted at the widest block (6 rows): the grain is only a granularity.
    const blocks = Math.ceil(call.rowCount / 6) * (call.batches ?? 1);
    i32[GRAIN] = Math.max(1, Math.ceil(blocks / (threads * UNITS_PER_THREAD)));
    i32[NEXT] = 0;
    rt.pool.run(TASK_IGEMM, threads, () => participate(rt, control, false));
    return;
  }
  const whole = Number.MAX_SAFE_INTEGER;
  const units = unitCount(call, whole);
  for (let u = 0; u < units; u++) runUnit(rt, call, whole, u);
}

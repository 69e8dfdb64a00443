import { availableParallelism } from 'node:os';
import { compileModule, detectSimd, instantiate, sharedMemory, type WasmMemory } from '../../wasm/api.js';
import { moduleBytes } from '../../wasm/writer.js';
import { type IgemmShape, igemmFunctions, igemmName } from './igemm-module.js';
import { IgemmPool } from './igemm-pool.js';
import { normFunctions } from './norm-module.js';
import { poolFunctions } from './pool-module.js';
import { reluFunctions } from './relu-module.js';
import { stageFunctions } from './stage-module.js';

/** See igemm-module.ts; every argument an i32, addresses in bytes. */
export type IgemmFn = (
  src: number,
  rows: number,
  count: number,
  cols: number,
  k: number,
  b: number,
  ldb: number,
  cbase: number,
  cOff: number,
  fStride: number,
  nf: number,
  bias: number,
  flags: number,
) => void;

/** The exports besides the igemm blocks (pool, relu, stage and norm modules). */
export interface SimdKernels {
  channelSums(x: number, n: number, c: number, plane: number, mean: number, out: number): void;
  channelAffine(
    x: number,
    out: number,
    n: number,
    c: number,
    plane: number,
    scale: number,
    shift: number,
    relu: number,
  ): void;
  channelGradSums(
    g: number,
    x: number,
    y: number,
    relu: number,
    n: number,
    c: number,
    plane: number,
    mean: number,
    invstd: number,
    out: number,
  ): void;
  channelGradInput(
    g: number,
    x: number,
    y: number,
    relu: number,
    n: number,
    c: number,
    plane: number,
    a: number,
    b: number,
    d: number,
    dx: number,
  ): void;
  padPlanes(
    src: number,
    dst: number,
    planes: number,
    h: number,
    w: number,
    top: number,
    left: number,
    hp: number,
    wp: number,
  ): void;
  gradRows(
    g: number,
    y: number,
    mask: number,
    n: number,
    f: number,
    plane: number,
    fp: number,
    gT: number,
    sums: number,
  ): void;
  maxPool2x2(src: number, dst: number, rows: number, w: number): void;
  maxPool2x2Backward(x: number, g: number, dx: number, rows: number, w: number): void;
  relu(src: number, dst: number, vectors: number): void;
  reluMask(g: number, y: number, dst: number, vectors: number): void;
}

/** 1 GiB of 64 KiB pages: the most one runtime's scratch may grow to. */
const MAX_PAGES = 16384;

const kernelBytes = (relaxed: boolean) =>
  moduleBytes(
    [
      ...igemmFunctions(relaxed),
      ...poolFunctions(),
      ...reluFunctions(),
      ...stageFunctions(),
      ...normFunctions(),
    ],
    MAX_PAGES,
  );

/** An offset table identified by the shape it was built for. */
export interface TableSpec {
  key: string;
  build: () => Int32Array;
}

const PAGE = 65536;
/** Offset tables kept resident, at most (a few hundred convolution shapes). */
const MAX_TABLE_BYTES = 64 << 20;

/**
 * One instance of the kernels and its memory, for the calling thread: resident offset tables at the
 * bottom, per-call scratch above them.
 */
export class SimdRuntime {
  readonly kernels: SimdKernels;
  readonly memory: WasmMemory;
  private readonly exports: Record<string, unknown>;
  private f32: Float32Array;
  private i32: Int32Array;
  private readonly tableAt = new Map<string, number>();
  /** Address 0 stays unused, so kernels can take 0 for "no buffer". */
  private tablesEnd = 16;
  private readonly pools = new Map<number, IgemmPool>();

  /** A new runtime, or (in a worker) one more instance over another runtime's shared memory. */
  constructor(
    readonly relaxed: boolean,
    memory?: object,
  ) {
    this.memory = (memory as WasmMemory | undefined) ?? sharedMemory(MAX_PAGES);
    this.exports = instantiate(compileModule(kernelBytes(relaxed)), this.memory);
    this.kernels = this.exports as unknown as SimdKernels;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** Workers sharing this runtime's igemm calls, `threads` in all with the caller; none below 2 threads. */
  pool(threads = defaultThreads): IgemmPool | undefined {
    if (threads < 2) return undefined;
    let pool = this.pools.get(threads);
    if (!pool) {
      pool = new IgemmPool(this, threads);
      this.pools.set(threads, pool);
    }
    return pool.dead ? undefined : pool;
  }

  igemm(shape: IgemmShape): IgemmFn {
    const fn = this.exports[igemmName(shape)];
    if (typeof fn !== 'function') throw new Error(`no igemm kernel ${igemmName(shape)}`);
    return fn as IgemmFn;
  }

  /**
   * Byte addresses of tables kept in the memory across calls (offset tables depend on shapes only),
   * each built on first use. All tables one call needs are asked for together, before its scratch:
   * past MAX_TABLE_BYTES every table is dropped first, never one the same call still holds.
   */
  tables(...specs: readonly TableSpec[]): number[] {
    const missing = specs.filter((s) => !this.tableAt.has(s.key));
    if (missing.length === 0) return specs.map((s) => this.tableAt.get(s.key)!);
    const built = missing.map((s) => [s.key, s.build()] as const);
    const bytes = built.reduce((sum, [, t]) => sum + Math.ceil(t.byteLength / 16) * 16, 0);
    if (this.tablesEnd > 16 && this.tablesEnd + bytes > MAX_TABLE_BYTES) {
      this.tableAt.clear();
      this.tablesEnd = 16;
      return this.tables(...specs);
    }
    this.reserve(this.tablesEnd + bytes);
    for (const [key, table] of built) {
      this.i32.set(table, this.tablesEnd >> 2);
      this.tableAt.set(key, this.tablesEnd);
      this.tablesEnd += Math.ceil(table.byteLength / 16) * 16;
    }
    return specs.map((s) => this.tableAt.get(s.key)!);
  }

  /**
   * Byte addresses of 16-byte aligned regions of the given element counts (4-byte elements) above the
   * tables, each followed by 8 elements of slack for kernels that finish a row with a whole vector.
   */
  scratch<K extends string>(sizes: Record<K, number>): Record<K, number> {
    const at = {} as Record<K, number>;
    let end = this.tablesEnd;
    for (const key of Object.keys(sizes) as K[]) {
      at[key] = end;
      end += Math.ceil(sizes[key] / 4) * 16 + 32;
    }
    this.reserve(end);
    return at;
  }

  /** The whole memory as floats and as ints (index = byte address / 4); stale after `scratch` grows it. */
  get floats(): Float32Array {
    return this.f32;
  }

  get ints(): Int32Array {
    return this.i32;
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }
}

/** SIMD support and relaxed FMA, detected once at start-up. */
export const simdSupport = detectSimd(kernelBytes);

function threadsFromEnv(): number {
  const fromEnv = Number.parseInt(process.env['OCELLUS_THREADS'] ?? '', 10);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : availableParallelism();
}

/** OCELLUS_THREADS (as the GEMM) or one per core. */
const defaultThreads = threadsFromEnv();

let shared: SimdRuntime | undefined;

/** The calling thread's runtime, or undefined where WebAssembly SIMD is missing. */
export function simdRuntime(): SimdRuntime | undefined {
  if (!simdSupport.simd) return undefined;
  shared ??= new SimdRuntime(simdSupport.relaxed);
  return shared;
}

/** Diagnostics of the calling thread's igemm pool for `threads` (started on first use). */
export function simdPoolStats(threads: number): { workers: number; ready: number; workerUnits: number } {
  const pool = simdRuntime()?.pool(threads);
  return pool ? pool.stats : { workers: 0, ready: 0, workerUnits: 0 };
}

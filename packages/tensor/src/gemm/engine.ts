import type { Storage } from '../storage.js';
import type { WasmMemory, WasmModule } from '../wasm/api.js';
import type { Job } from './job.js';
import { jsBlock } from './js-kernel.js';
import { instantiate, KERNEL_CODES, SHAPES, type SimdKernel } from './kernels.js';
import { type Packed, packA, packBPanel } from './pack.js';
import { COPY_MIN_COLS, type Problem } from './plan.js';

export interface Operands {
  a: Storage;
  b: Storage;
  c: Storage;
}

/** Work distribution for one job: atomic counters that hand out B packing units and C tiles. */
export interface Sync {
  nextUnit(): number;
  /** Reports `count` units packed, then returns once all `total` are (throws if the job aborted). */
  unitsPacked(count: number, total: number): void;
  nextTile(): number;
}

/**
 * Copies `rows` runs of `width` elements, `ld` apart in src, into f at `stage`; returns their stride
 * there. Runs close together go as one memcpy of the whole span, others one memcpy each.
 */
function stageRows(
  f: Float32Array,
  src: Float32Array,
  start: number,
  ld: number,
  rows: number,
  width: number,
  stage: number,
): number {
  if (ld <= 2 * width) {
    f.set(src.subarray(start, start + (rows - 1) * ld + width), stage);
    return ld;
  }
  for (let r = 0; r < rows; r++)
    f.set(src.subarray(start + r * ld, start + r * ld + width), stage + r * width);
  return width;
}

/** One thread's view of the shared scratch memory and its instances of the kernels. */
export class Engine {
  private f32: Float32Array;
  private f64: Float64Array;
  private readonly kernels: (SimdKernel | undefined)[];

  constructor(
    private readonly memory: WasmMemory,
    modules: readonly (WasmModule | undefined)[],
  ) {
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.kernels = modules.map((module) => (module ? instantiate(module, memory) : undefined));
  }

  /** Runs this participant's share of a job: pack B units, wait for all of them, then compute tiles. */
  run(job: Job, ops: Operands, sync: Sync, participant: number): void {
    this.refresh();
    const { mr, nr, bytes } = SHAPES[KERNEL_CODES[job.kernel]!];
    const simd = this.kernels[job.kernel];
    const packed = bytes === 8 ? this.f64 : this.f32;
    const bBase = job.bBase / bytes;
    const region = (job.regionBase + participant * job.regionBytes) / bytes;
    const aPack = region;
    const cTile = aPack + job.mc * job.kc;
    const stage = cTile + job.mc * job.nt;
    let count = 0;
    for (let u = sync.nextUnit(); u < job.units; u = sync.nextUnit()) {
      if (simd) this.packBSimd(simd, job, ops.b as Float32Array, u, bBase, stage);
      else {
        const j0 = u * nr;
        const cols = Math.min(nr, job.n - j0);
        packBPanel(
          ops.b,
          job.bOff,
          job.ldb,
          job.transB,
          job.col0 + j0,
          cols,
          job.k,
          packed,
          bBase + u * job.k * nr,
          nr,
        );
      }
      count++;
    }
    sync.unitsPacked(count, job.units);

    const tiles = job.tilesM * job.tilesN;
    for (let t = sync.nextTile(); t < tiles; t = sync.nextTile()) {
      const i0 = (t % job.tilesM) * job.mc;
      const j0 = Math.floor(t / job.tilesM) * job.nt;
      const rows = Math.min(job.mc, job.m - i0);
      const cols = Math.min(job.nt, job.n - j0);
      const mPanels = Math.ceil(rows / mr);
      const nPanels = Math.ceil(cols / nr);
      const ldt = nPanels * nr;
      const tile: TileSpan = { base: cTile, ldt, i0, j0, rows, cols, stage };
      this.loadTile(job, ops.c, packed, tile, mPanels * mr, simd);
      for (let p0 = 0; p0 < job.k; p0 += job.kc) {
        const kc = Math.min(job.kc, job.k - p0);
        const b = bBase + ((j0 / nr) * job.k + p0) * nr;
        const first = p0 === 0 && job.beta === 0 ? 1 : 0;
        if (simd && job.aRows) {
          const a = ops.a as Float32Array;
          const lda = stageRows(this.f32, a, job.aOff + i0 * job.lda + p0, job.lda, rows, kc, stage);
          simd.blockRows(
            stage * 4,
            b * 4,
            cTile * 4,
            kc,
            mPanels,
            nPanels,
            job.k * nr * 4,
            ldt * 4,
            first,
            lda * 4,
          );
        } else if (simd) {
          this.packASimd(simd, job, ops.a as Float32Array, i0, rows, p0, kc, aPack, stage, mPanels);
          simd.block(aPack * 4, b * 4, cTile * 4, kc, mPanels, nPanels, job.k * nr * 4, ldt * 4, first, 0);
        } else {
          packA(ops.a, job.aOff, job.lda, job.transA, i0, rows, p0, kc, job.alpha, packed, aPack, mr);
          jsBlock(this.f64, aPack, b, cTile, kc, mPanels, nPanels, job.k * nr, ldt);
        }
      }
      this.storeTile(job, ops.c, packed, tile, simd);
    }
  }

  /**
   * C's one row = alpha op(A) B^T + beta C for float32 (op(A) a single row): B's rows and A staged at
   * byte address `base` (gemvScratch floats), each output one dot product in gemvRows.
   */
  gemvRows(p: Problem, ops: Operands, base: number): void {
    this.refresh();
    const simd = this.kernels[KERNEL_CODES.indexOf(p.kernel)];
    if (!simd) throw new Error(`gemv: no ${p.kernel} kernel`);
    const f = this.f32;
    const w = base >> 2;
    const ldw = stageRows(f, ops.b as Float32Array, p.bOff, p.ldb, p.n, p.k, w);
    const x = w + gemvStage(p);
    const a = ops.a;
    if (p.transA) for (let q = 0; q < p.k; q++) f[x + q] = a[p.aOff + q * p.lda]!;
    else f.set(a.subarray(p.aOff, p.aOff + p.k), x);
    const y = x + roundUp4(p.k);
    simd.gemvRows(w * 4, ldw * 4, x * 4, p.k, p.n, y * 4);
    const c = ops.c;
    for (let j = 0; j < p.n; j++) {
      const v = p.alpha * f[y + j]!;
      c[p.cOff + j] = p.beta === 0 ? v : v + p.beta * c[p.cOff + j]!;
    }
  }

  private refresh(): void {
    if (this.f32.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
  }

  /** Unit u: rows [u rb, u rb + rb) of op(B) into every 8-wide panel, or panel u from 8 rows of B^T; times alpha. */
  private packBSimd(
    simd: SimdKernel,
    job: Job,
    b: Float32Array,
    u: number,
    bBase: number,
    stage: number,
  ): void {
    if (!job.transB) {
      const p0 = u * job.rb;
      const rows = Math.min(job.rb, job.k - p0);
      const stride = stageRows(this.f32, b, job.bOff + p0 * job.ldb + job.col0, job.ldb, rows, job.n, stage);
      simd.packRows(
        stage * 4,
        stride * 4,
        rows,
        Math.ceil(job.n / 8),
        (bBase + p0 * 8) * 4,
        job.k * 32,
        job.alpha,
      );
    } else {
      const cols = Math.min(8, job.n - u * 8);
      const start = job.bOff + (job.col0 + u * 8) * job.ldb;
      const stride = stageRows(this.f32, b, start, job.ldb, cols, job.k, stage);
      simd.packCols(stage * 4, stride * 4, job.k, (bBase + u * job.k * 8) * 4, job.alpha);
    }
  }

  /** Rows [i0, i0 + rows) x columns [p0, p0 + kc) of op(A) into mr-row panels at aPack (alpha is in B). */
  private packASimd(
    simd: SimdKernel,
    job: Job,
    a: Float32Array,
    i0: number,
    rows: number,
    p0: number,
    kc: number,
    aPack: number,
    stage: number,
    panels: number,
  ): void {
    if (!job.transA) {
      const stride = stageRows(this.f32, a, job.aOff + i0 * job.lda + p0, job.lda, rows, kc, stage);
      simd.packA(stage * 4, stride * 4, panels, kc, aPack * 4);
    } else {
      const stride = stageRows(this.f32, a, job.aOff + p0 * job.lda + i0, job.lda, kc, rows, stage);
      simd.packAT(stage * 4, stride * 4, panels, kc, aPack * 4);
    }
  }

  /** The tile starts as beta C (zeros when beta is 0, so NaN in C is ignored as BLAS requires). */
  private loadTile(job: Job, c: Storage, t: Packed, tile: TileSpan, height: number, simd?: SimdKernel): void {
    const { base, ldt, rows, cols } = tile;
    const start = job.cOff + tile.i0 * job.ldc + job.col0 + tile.j0;
    if (job.beta === 0) {
      // The SIMD kernel's first k block overwrites the tile instead of adding to it.
      if (!simd) t.fill(0, base, base + height * ldt);
    } else if (simd && job.ldc <= 2 * cols) {
      this.f32.set(c.subarray(start, start + (rows - 1) * job.ldc + cols), tile.stage);
      simd.copyBlock(tile.stage * 4, job.ldc * 4, rows, cols, base * 4, ldt * 4, job.beta);
    } else {
      t.fill(0, base, base + height * ldt);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) t[base + i * ldt + j] = job.beta * c[start + i * job.ldc + j]!;
      }
    }
  }

  /** Rows of the view are written whole (memcpy) when wide, else through staging in one memcpy of the span, else one by one. */
  private storeTile(job: Job, c: Storage, t: Packed, tile: TileSpan, simd?: SimdKernel): void {
    const { base, ldt, rows, cols, stage } = tile;
    const start = job.cOff + tile.i0 * job.ldc + job.col0 + tile.j0;
    const sameType = c instanceof Float32Array === t instanceof Float32Array;
    if (sameType && cols >= COPY_MIN_COLS) {
      for (let i = 0; i < rows; i++)
        c.set(t.subarray(base + i * ldt, base + i * ldt + cols), start + i * job.ldc);
    } else if (simd && job.ldc <= 2 * cols && job.tilesN === 1) {
      // The span is read and written back whole: only safe when no other tile of the job (another
      // thread's) lies in the same rows, whose elements the write-back would overwrite with stale ones.
      const span = (rows - 1) * job.ldc + cols;
      if (job.ldc > cols) this.f32.set(c.subarray(start, start + span), stage);
      simd.copyBlock(base * 4, ldt * 4, rows, cols, stage * 4, job.ldc * 4, 1);
      c.set(this.f32.subarray(stage, stage + span), start);
    } else {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) c[start + i * job.ldc + j] = t[base + i * ldt + j]!;
      }
    }
  }
}

const roundUp4 = (v: number) => Math.ceil(v / 4) * 4;

/** Floats gemvRows stages B's rows in (as stageRows lays them out), rounded up to whole vectors. */
const gemvStage = (p: Problem) => roundUp4(p.ldb <= 2 * p.k ? (p.n - 1) * p.ldb + p.k : p.n * p.k);

/** Floats of scratch gemvRows uses: B's rows, A's row, the products. */
export const gemvScratch = (p: Problem) => gemvStage(p) + roundUp4(p.k) + p.n;

/** A C tile in scratch: `base` with row stride ldt, holding rows x cols of C from (i0, j0); `stage` is free scratch. */
interface TileSpan {
  base: number;
  ldt: number;
  i0: number;
  j0: number;
  rows: number;
  cols: number;
  stage: number;
}

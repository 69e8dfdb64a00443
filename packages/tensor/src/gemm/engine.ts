import type { Storage } from '../storage.js';
import type { Job } from './job.js';
import { jsBlock } from './js-kernel.js';
import { packA, packBPanel } from './pack.js';
import {
  type BlockFn,
  instantiate,
  KERNEL_CODES,
  SHAPES,
  type WasmMemory,
  type WasmModule,
} from './runtime.js';

export interface Operands {
  a: Storage;
  b: Storage;
  c: Storage;
}

/** Work distribution for one job: atomic counters that hand out B panels and C tiles. */
export interface Sync {
  nextPanel(): number;
  /** Reports `count` panels packed, then returns once all `total` are (throws if the job aborted). */
  panelsPacked(count: number, total: number): void;
  nextTile(): number;
}

/** One thread's view of the shared scratch memory and its instances of the kernels. */
export class Engine {
  private f32: Float32Array;
  private f64: Float64Array;
  private readonly blocks: (BlockFn | undefined)[];

  constructor(
    private readonly memory: WasmMemory,
    modules: readonly (WasmModule | undefined)[],
  ) {
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.blocks = modules.map((module) => (module ? instantiate(module, memory) : undefined));
  }

  /** Runs this participant's share of a job: pack B panels, wait for all of them, then compute tiles. */
  run(job: Job, ops: Operands, sync: Sync, participant: number): void {
    if (this.f32.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
    const name = KERNEL_CODES[job.kernel]!;
    const { mr, nr, bytes } = SHAPES[name];
    const packed = bytes === 8 ? this.f64 : this.f32;
    const bBase = job.bBase / bytes;
    let count = 0;
    for (let q = sync.nextPanel(); q < job.panels; q = sync.nextPanel()) {
      const j0 = q * nr;
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
        bBase + q * job.k * nr,
        nr,
      );
      count++;
    }
    sync.panelsPacked(count, job.panels);

    const region = (job.regionBase + participant * job.regionBytes) / bytes;
    const aPack = region;
    const cTile = region + job.mc * job.kc;
    const block = this.blocks[job.kernel];
    const tiles = job.tilesM * job.tilesN;
    for (let t = sync.nextTile(); t < tiles; t = sync.nextTile()) {
      const i0 = (t % job.tilesM) * job.mc;
      const j0 = Math.floor(t / job.tilesM) * job.nt;
      const rows = Math.min(job.mc, job.m - i0);
      const cols = Math.min(job.nt, job.n - j0);
      const mPanels = Math.ceil(rows / mr);
      const nPanels = Math.ceil(cols / nr);
      const ldt = nPanels * nr;
      this.loadTile(job, ops.c, packed, cTile, ldt, mPanels * mr, i0, j0, rows, cols);
      for (let p0 = 0; p0 < job.k; p0 += job.kc) {
        const kc = Math.min(job.kc, job.k - p0);
        packA(ops.a, job.aOff, job.lda, job.transA, i0, rows, p0, kc, job.alpha, packed, aPack, mr);
        const b = bBase + ((j0 / nr) * job.k + p0) * nr;
        if (block) {
          block(aPack * 4, b * 4, cTile * 4, kc, mPanels, nPanels, job.k * nr * 4, ldt * 4);
        } else {
          jsBlock(this.f64, aPack, b, cTile, kc, mPanels, nPanels, job.k * nr, ldt);
        }
      }
      storeTile(job, ops.c, packed, cTile, ldt, i0, j0, rows, cols);
    }
  }

  /** The tile starts as beta C (zeros when beta is 0, so NaN in C is ignored as BLAS requires). */
  private loadTile(
    job: Job,
    c: Storage,
    t: Float32Array | Float64Array,
    base: number,
    ldt: number,
    height: number,
    i0: number,
    j0: number,
    rows: number,
    cols: number,
  ): void {
    t.fill(0, base, base + height * ldt);
    if (job.beta === 0) return;
    const beta = job.beta;
    for (let i = 0; i < rows; i++) {
      const s = job.cOff + (i0 + i) * job.ldc + job.col0 + j0;
      const d = base + i * ldt;
      for (let j = 0; j < cols; j++) t[d + j] = beta * c[s + j]!;
    }
  }
}

/** Rows at least this wide are copied with TypedArray.set (memcpy); narrower ones element by element. */
const COPY_MIN_COLS = 48;

function storeTile(
  job: Job,
  c: Storage,
  t: Float32Array | Float64Array,
  base: number,
  ldt: number,
  i0: number,
  j0: number,
  rows: number,
  cols: number,
): void {
  const sameType = c instanceof Float32Array === t instanceof Float32Array;
  for (let i = 0; i < rows; i++) {
    const d = job.cOff + (i0 + i) * job.ldc + job.col0 + j0;
    const s = base + i * ldt;
    if (sameType && cols >= COPY_MIN_COLS) c.set(t.subarray(s, s + cols), d);
    else for (let j = 0; j < cols; j++) c[d + j] = t[s + j]!;
  }
}

import { TASK_GEMM } from '../runtime/control.js';
import { defaultThreads, runtime, support } from '../runtime/index.js';
import { type Storage, sharedCopy } from '../storage.js';
import { gemvScratch, type Operands } from './engine.js';
import { writeJob } from './job.js';
import { type KernelName, SHAPES } from './kernels.js';
import { type Problem, plan, scratchEnd } from './plan.js';
import { SharedSync } from './sync.js';

/** A row-major matrix inside a flat buffer: element (i, j) is `data[offset + i * ld + j]`. */
export interface MatrixRef {
  data: Storage;
  offset: number;
  ld: number;
}

export type Gemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: MatrixRef,
  b: MatrixRef,
  beta: number,
  c: MatrixRef,
) => void;

export interface GemmOptions {
  /** 'simd' (WebAssembly, float32 only; the default where supported) or 'js'. Float64 always uses 'js'. */
  kernel?: 'simd' | 'js';
  /** Use relaxed-SIMD FMA when the runtime has it (default); false forces the plain SIMD kernel. */
  relaxed?: boolean;
  /** Threads taking part, the caller included; default OCELLUS_THREADS or one per core. */
  threads?: number;
  /** Products of fewer flops (2 m n k) run inline on the caller; default INLINE_BELOW_FLOPS. */
  inlineBelow?: number;
}

/**
 * Below this many flops the caller computes alone. Measured with `node bench/gemm/threshold.js` (median
 * inline vs pooled, 2 threads) on this 2-core machine while other jobs kept it at load 7 to 11: a dispatch
 * costs about 15 us (32^3: 11 vs 27 us), and the pool lost by about 10% at 256^3 (1.17 vs 1.30 ms) and
 * won at 512^3 (6.3 vs 9.0 ms). The cut is at 256^3, where a free second core clearly pays. Measured
 * again on the merged runtime's pool at load 2.5 to 3.5: 32^3 8.4 vs 10.1 us, 256^3 1.19 vs 1.31 ms.
 */
export const INLINE_BELOW_FLOPS = 2 * 256 ** 3;

function kernelFor(options: GemmOptions, a: Storage, b: Storage, c: Storage): KernelName {
  const float64 = a instanceof Float64Array || b instanceof Float64Array || c instanceof Float64Array;
  if (float64 || options.kernel === 'js' || !support.simd) return 'js';
  return options.relaxed !== false && support.relaxed ? 'simd-relaxed' : 'simd';
}

function checkRef(name: string, ref: MatrixRef, rows: number, cols: number): void {
  if (ref.ld < cols || ref.offset < 0 || ref.offset + (rows - 1) * ref.ld + cols > ref.data.length) {
    throw new RangeError(
      `gemm: ${name} (${rows}x${cols}, offset ${ref.offset}, ld ${ref.ld}) is out of bounds`,
    );
  }
}

/** C = beta C, the whole product when k = 0 or alpha = 0 (beta = 0 writes zeros whatever C held). */
function scale(beta: number, c: MatrixRef, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const row = c.offset + i * c.ld;
    if (beta === 0) c.data.fill(0, row, row + n);
    else for (let j = row; j < row + n; j++) c.data[j] = beta * c.data[j]!;
  }
}

/** Workers can only read shared memory: other operands are copied into a shared buffer for the call. */
function shared(ref: MatrixRef, rows: number, cols: number): MatrixRef {
  if (ref.data.buffer instanceof SharedArrayBuffer) return ref;
  const length = (rows - 1) * ref.ld + cols;
  return { data: sharedCopy(ref.data.subarray(ref.offset, ref.offset + length)), offset: 0, ld: ref.ld };
}

/** A gemm with fixed choices of kernel and threading (tests and benchmarks pick each path with it). */
export function gemmWith(options: GemmOptions): Gemm {
  return (transA, transB, m, n, k, alpha, a, b, beta, c) => {
    if (m <= 0 || n <= 0) return;
    checkRef('C', c, m, n);
    if (k <= 0 || alpha === 0) {
      scale(beta, c, m, n);
      return;
    }
    const [aRows, aCols] = transA ? [k, m] : [m, k];
    const [bRows, bCols] = transB ? [n, k] : [k, n];
    checkRef('A', a, aRows, aCols);
    checkRef('B', b, bRows, bCols);
    const kernel = kernelFor(options, a.data, b.data, c.data);
    // One row of A times B^T (a batch-1 linear layer): dot products over B's rows, inline.
    const gemv = m === 1 && transB && kernel !== 'js';
    const threads =
      gemv || 2 * m * n * k < (options.inlineBelow ?? INLINE_BELOW_FLOPS)
        ? 1
        : (options.threads ?? defaultThreads);
    const rt = runtime();
    const pooled = threads > 1;
    const [sa, sb, sc] = pooled
      ? [shared(a, aRows, aCols), shared(b, bRows, bCols), shared(c, m, n)]
      : [a, b, c];
    const problem: Problem = {
      kernel,
      transA,
      transB,
      m,
      n,
      k,
      alpha,
      aOff: sa.offset,
      lda: sa.ld,
      bOff: sb.offset,
      ldb: sb.ld,
      beta,
      cOff: sc.offset,
      ldc: sc.ld,
    };
    const engine = rt.instance.engine;
    if (gemv) {
      rt.reserve(rt.scratchBase + 4 * gemvScratch(problem));
      engine.gemvRows(problem, { a: a.data, b: b.data, c: c.data }, rt.scratchBase);
      return;
    }
    const { jobs, tiles } = plan(problem, threads, rt.scratchBase);
    const participants = Math.min(threads, tiles);
    rt.reserve(scratchEnd(jobs[0]!, participants));
    const ops: Operands = { a: sa.data, b: sb.data, c: sc.data };
    if (participants === 1) {
      const sync = new SharedSync(rt.solo);
      for (const job of jobs) {
        writeJob(rt.solo, job);
        engine.run(job, ops, sync, 0);
      }
    } else {
      const { pool } = rt;
      const sync = new SharedSync(pool.control);
      pool.share([sa.data, sb.data, sc.data]);
      for (const job of jobs) {
        writeJob(pool.control, job);
        pool.run(TASK_GEMM, participants, () => engine.run(job, ops, sync, 0));
      }
    }
    if (sc !== c) c.data.set(sc.data.subarray(0, (m - 1) * c.ld + n), c.offset);
  };
}

/** C = alpha * op(A) * op(B) + beta * C, BLAS semantics; op(X) is X or its transpose. */
export const gemm: Gemm = gemmWith({});

export interface GemmInfo {
  simd: boolean;
  relaxed: boolean;
  /** The kernel float32 products use by default, and its register block. */
  kernel: KernelName;
  microKernel: string;
  threads: number;
  inlineBelowFlops: number;
}

export function gemmInfo(): GemmInfo {
  const kernel = kernelFor({}, new Float32Array(0), new Float32Array(0), new Float32Array(0));
  const { mr, nr } = SHAPES[kernel];
  return {
    simd: support.simd,
    relaxed: support.relaxed,
    kernel,
    microKernel: `${mr}x${nr}`,
    threads: defaultThreads,
    inlineBelowFlops: INLINE_BELOW_FLOPS,
  };
}

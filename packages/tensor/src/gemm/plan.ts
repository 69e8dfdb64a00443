import type { Job } from './job.js';
import { KERNEL_CODES, type KernelName, SHAPES } from './kernels.js';

/** Depth of a packed block: a 256 x 8 float32 B micro-panel (8 KB) stays in L1 across the A panels. */
const KC = 256;
/** Rows of a C tile: its packed A block (about 128 x 256 floats) stays in L2. */
const MC = 128;
/** Widest C tile: with its B panels and the A block it stays within the 2 MB L2. */
const NT_MAX = 512;
const TILES_PER_PARTICIPANT = 2;
/** Packed B of one dispatch stays under this many bytes; wider products are cut into column chunks. */
const B_CHUNK_BYTES = 64 << 20;
/** C rows at least this wide are copied with TypedArray.set (memcpy); narrower ones through staging. */
export const COPY_MIN_COLS = 48;
/** Up to this many columns, few B panels share an A panel: the SIMD kernel reads A rows unpacked. */
const ROWS_A_MAX_N = 32;
/** Staged B rows per packing unit: about 64 KB of the chunk's rows, at most 64 rows. */
const STAGE_B_ELEMENTS = 16384;

export interface Problem {
  kernel: KernelName;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  aOff: number;
  lda: number;
  bOff: number;
  ldb: number;
  beta: number;
  cOff: number;
  ldc: number;
}

export interface Plan {
  jobs: Job[];
  /** Tiles of the first job: more participants than this would have nothing to do. */
  tiles: number;
}

const roundUp = (x: number, step: number) => Math.ceil(x / step) * step;
const align64 = (bytes: number) => roundUp(bytes, 64);

/** The end of the scratch (a byte address) a job addresses when `participants` threads run it. */
export const scratchEnd = (job: Job, participants: number) => job.regionBase + participants * job.regionBytes;

/**
 * Blocks the product for `participants` threads: k in balanced kc blocks, C in mc x nt tiles; its
 * scratch starts at byte address `base` (64-byte aligned past it).
 */
export function plan(p: Problem, participants: number, base: number): Plan {
  const { mr, nr, bytes } = SHAPES[p.kernel];
  const kc = Math.ceil(p.k / Math.ceil(p.k / KC));
  // Row blocks in a multiple of the participants, so that full-width tiles (A packed once) balance.
  const blocksM = roundUp(Math.ceil(p.m / MC), participants);
  const mc = roundUp(Math.ceil(p.m / blocksM), mr);
  const tilesM = Math.ceil(p.m / mc);
  const wantN = Math.max(1, Math.ceil((TILES_PER_PARTICIPANT * participants) / tilesM));
  const nt = Math.min(NT_MAX, roundUp(Math.ceil(p.n / wantN), nr));
  const chunkCols = Math.max(nt, Math.floor(B_CHUNK_BYTES / (p.k * bytes) / nt) * nt);
  const chunkPad = roundUp(Math.min(chunkCols, p.n), nr);
  const simd = p.kernel !== 'js';
  const rb = Math.max(1, Math.min(64, Math.floor(STAGE_B_ELEMENTS / chunkPad)));
  // SIMD kernels work on copies staged in the shared memory: an A block, rows of B, 8 columns of op(B),
  // C rows; with beta != 0 a whole C tile's span is staged when its rows lie close (ldc <= 2 cols).
  const cRows = p.beta === 0 ? mc * COPY_MIN_COLS : mc * nt;
  const stage = simd ? Math.max(2 * mc * kc, rb * 2 * chunkPad, 16 * p.k, 2 * cRows) + 64 : 0;
  const regionBytes = align64((mc * kc + mc * nt + stage) * bytes);
  const bBase = align64(base);
  const bBytes = align64(p.k * chunkPad * bytes);
  const jobs: Job[] = [];
  for (let col0 = 0; col0 < p.n; col0 += chunkCols) {
    const n = Math.min(chunkCols, p.n - col0);
    const panels = Math.ceil(n / nr);
    jobs.push({
      kernel: KERNEL_CODES.indexOf(p.kernel),
      transA: p.transA,
      transB: p.transB,
      m: p.m,
      n,
      k: p.k,
      col0,
      aOff: p.aOff,
      lda: p.lda,
      bOff: p.bOff,
      ldb: p.ldb,
      cOff: p.cOff,
      ldc: p.ldc,
      kc,
      mc,
      nt,
      tilesM,
      tilesN: Math.ceil(n / nt),
      units: simd && !p.transB ? Math.ceil(p.k / rb) : panels,
      rb,
      aRows: simd && !p.transA && p.n <= ROWS_A_MAX_N ? 1 : 0,
      bBase,
      regionBase: bBase + bBytes,
      regionBytes,
      alpha: p.alpha,
      beta: p.beta,
    });
  }
  const tiles = tilesM * Math.ceil(Math.min(chunkCols, p.n) / nt);
  return { jobs, tiles };
}

import type { Job } from './job.js';
import { KERNEL_CODES, type KernelName, SHAPES } from './runtime.js';

/** Depth of a packed block: a 256 x 8 float32 B micro-panel (8 KB) stays in L1 across the A panels. */
const KC = 256;
/** Rows of a C tile: its packed A block (about 120 x 256 floats) stays in L2. */
const MC = 128;
/** Widest C tile; narrower when that gives each participant several tiles to balance the load. */
const NT_MAX = 512;
const TILES_PER_PARTICIPANT = 4;
/** Packed B of one dispatch stays under this many bytes; wider products are cut into column chunks. */
const B_CHUNK_BYTES = 64 << 20;

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

/** Scratch bytes a job addresses when `participants` threads run it. */
export const scratchBytes = (job: Job, participants: number) =>
  job.regionBase + participants * job.regionBytes;

/** Blocks the product for `participants` threads: k in balanced kc blocks, C in mc x nt tiles. */
export function plan(p: Problem, participants: number): Plan {
  const { mr, nr, bytes } = SHAPES[p.kernel];
  const kc = Math.ceil(p.k / Math.ceil(p.k / KC));
  const mc = Math.min(mr * Math.floor(MC / mr), roundUp(p.m, mr));
  const tilesM = Math.ceil(p.m / mc);
  const wantN = Math.max(1, Math.ceil((TILES_PER_PARTICIPANT * participants) / tilesM));
  const nt = Math.min(NT_MAX, roundUp(Math.ceil(p.n / wantN), nr));
  const chunkCols = Math.max(nt, Math.floor(B_CHUNK_BYTES / (p.k * bytes) / nt) * nt);
  const regionBytes = align64((mc * kc + mc * nt) * bytes);
  const bBytes = align64(p.k * roundUp(Math.min(chunkCols, p.n), nr) * bytes);
  const jobs: Job[] = [];
  for (let col0 = 0; col0 < p.n; col0 += chunkCols) {
    const n = Math.min(chunkCols, p.n - col0);
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
      panels: Math.ceil(n / nr),
      bBase: 0,
      regionBase: bBytes,
      regionBytes,
      alpha: p.alpha,
      beta: p.beta,
    });
  }
  const tiles = tilesM * Math.ceil(Math.min(chunkCols, p.n) / nt);
  return { jobs, tiles };
}

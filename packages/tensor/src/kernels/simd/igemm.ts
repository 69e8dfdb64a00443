import { BLOCK_ROWS } from './igemm-module.js';
import type { SimdRuntime } from './runtime.js';

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
}

/** Runs the call in chunks of 8 channels, full register blocks first, then one block for the remainder. */
export function igemm(rt: SimdRuntime, call: IgemmCall): void {
  const { src, rows, rowCount, cols, k, b, ldb, cbase, cOff, fStride, channels, bias, flags } = call;
  if (rowCount === 0 || k === 0) return;
  for (let f0 = 0; f0 < channels; f0 += CHUNK) {
    const nf = Math.min(CHUNK, channels - f0);
    const nv = Math.ceil(nf / 4);
    const mr = BLOCK_ROWS[nv]!;
    const blocks = Math.floor(rowCount / mr);
    const rest = rowCount - blocks * mr;
    const args = [cols, k, b + 4 * f0, ldb] as const;
    const out = [cOff + f0 * fStride, fStride, nf, bias === 0 ? 0 : bias + 4 * f0, flags] as const;
    if (blocks > 0) rt.igemm({ nv, mr })(src, rows, blocks, ...args, cbase, ...out);
    if (rest > 0) {
      const done = 4 * blocks * mr;
      rt.igemm({ nv, mr: rest })(src, rows + done, 1, ...args, cbase + done, ...out);
    }
  }
}

import { instantiate as instantiateExports, type WasmMemory, type WasmModule } from '../wasm/api.js';
import { simdKernelBytes } from './simd-kernel.js';

/** (aPtr, bPtr, cPtr, kc, mPanels, nPanels, bStride, ldc, first, lda) in bytes; see simd-kernel.ts. */
export type BlockFn = (
  a: number,
  b: number,
  c: number,
  kc: number,
  mPanels: number,
  nPanels: number,
  bStride: number,
  ldc: number,
  first: number,
  lda: number,
) => void;

/** The exports of a SIMD kernel module (see simd-kernel.ts and simd-pack.ts for their arguments). */
export interface SimdKernel {
  block: BlockFn;
  blockRows: BlockFn;
  packRows(
    src: number,
    srcStride: number,
    rows: number,
    panels: number,
    dst: number,
    stride: number,
    alpha: number,
  ): void;
  packCols(src: number, srcStride: number, k: number, dst: number, alpha: number): void;
  packA(src: number, srcStride: number, panels: number, kc: number, dst: number): void;
  packAT(src: number, srcStride: number, panels: number, kc: number, dst: number): void;
  /** y[j] = row j of W dotted with x, for j < n (see gemv-kernel.ts). */
  gemvRows(w: number, ldw: number, x: number, k: number, n: number, y: number): void;
  copyBlock(
    src: number,
    srcStride: number,
    rows: number,
    cols: number,
    dst: number,
    dstStride: number,
    scale: number,
  ): void;
}

export type KernelName = 'js' | 'simd-relaxed' | 'simd';

export interface KernelShape {
  mr: number;
  nr: number;
  /** Bytes per packed element: float64 packs for JS, float32 for SIMD. */
  bytes: 4 | 8;
}

/** Register blocks measured fastest on this machine (6x8 with FMA: 12 accumulators + 2 B + 1 A of 15 xmm). */
export const SHAPES: Record<KernelName, KernelShape> = {
  js: { mr: 4, nr: 4, bytes: 8 },
  'simd-relaxed': { mr: 6, nr: 8, bytes: 4 },
  simd: { mr: 4, nr: 8, bytes: 4 },
};

export const KERNEL_CODES: readonly KernelName[] = ['js', 'simd-relaxed', 'simd'];

/** The module of a SIMD kernel: its register block, FMA or not, and its packing routines. */
export function gemmModuleBytes(name: 'simd-relaxed' | 'simd'): Uint8Array {
  const { mr, nr } = SHAPES[name];
  return simdKernelBytes({ mr, nr, relaxed: name === 'simd-relaxed' });
}

export function instantiate(module: WasmModule, memory: WasmMemory): SimdKernel {
  return instantiateExports(module, memory) as unknown as SimdKernel;
}

import { setFlagsFromString } from 'node:v8';
import { MAX_PAGES, type SimdShape, simdKernelBytes } from './simd-kernel.js';

/** The slice of the WebAssembly JS API used here (the shared tsconfig has no DOM lib). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

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

function simdShape(name: 'simd-relaxed' | 'simd'): SimdShape {
  const { mr, nr } = SHAPES[name];
  return { mr, nr, relaxed: name === 'simd-relaxed' };
}

function validates(name: 'simd-relaxed' | 'simd'): boolean {
  try {
    return wasm?.validate(simdKernelBytes(simdShape(name))) ?? false;
  } catch {
    return false;
  }
}

function detect(): { simd: boolean; relaxed: boolean } {
  const simd = validates('simd');
  if (!simd) return { simd, relaxed: false };
  if (validates('simd-relaxed')) return { simd, relaxed: true };
  // Node 20's V8 ships relaxed SIMD behind a flag; it must be set before the module is compiled.
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return { simd, relaxed: validates('simd-relaxed') };
}

/** What the runtime supports, detected once at start-up. */
export const support = detect();

export function compileKernel(name: 'simd-relaxed' | 'simd'): WasmModule {
  if (!wasm) throw new Error('WebAssembly is not available in this runtime');
  return new wasm.Module(simdKernelBytes(simdShape(name)));
}

const PAGE = 65536;

export function createMemory(): WasmMemory {
  if (!wasm) throw new Error('WebAssembly is not available in this runtime');
  return new wasm.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
}

/** Grows the memory to at least `bytes`; workers see the growth on their next `buffer` read. */
export function ensureBytes(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  if (bytes > MAX_PAGES * PAGE) throw new Error(`gemm scratch of ${bytes} bytes exceeds the 1 GiB limit`);
  memory.grow(Math.ceil((bytes - have) / PAGE));
}

export function instantiate(module: WasmModule, memory: WasmMemory): SimdKernel {
  if (!wasm) throw new Error('WebAssembly is not available in this runtime');
  return new wasm.Instance(module, { env: { memory } }).exports as unknown as SimdKernel;
}

import { setFlagsFromString } from 'node:v8';

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

function api(): WasmApi {
  if (!wasm) throw new Error('WebAssembly is not available in this runtime');
  return wasm;
}

export const compileModule = (bytes: Uint8Array): WasmModule => new (api().Module)(bytes);

/** 1 GiB of 64 KiB pages: the most the shared memory may grow to, declared by every module that imports it. */
export const MAX_PAGES = 16384;
export const PAGE_BYTES = 65536;

/** A shared memory of 16 pages that may grow to MAX_PAGES. */
export const sharedMemory = (): WasmMemory =>
  new (api().Memory)({ initial: 16, maximum: MAX_PAGES, shared: true });

/** The exports of `module` instantiated over `memory`, imported as `env.memory`. */
export const instantiate = (module: WasmModule, memory: WasmMemory): Record<string, unknown> =>
  new (api().Instance)(module, { env: { memory } }).exports;

function validates(bytes: () => Uint8Array): boolean {
  try {
    return wasm?.validate(bytes()) ?? false;
  } catch {
    return false;
  }
}

/**
 * SIMD support and relaxed FMA, judged by validating the module `bytes(relaxed)` builds. Node 20's V8
 * ships relaxed SIMD behind a flag, which must be set before the module is compiled.
 */
export function detectSimd(bytes: (relaxed: boolean) => Uint8Array): { simd: boolean; relaxed: boolean } {
  if (!validates(() => bytes(false))) return { simd: false, relaxed: false };
  if (validates(() => bytes(true))) return { simd: true, relaxed: true };
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return { simd: true, relaxed: validates(() => bytes(true)) };
}

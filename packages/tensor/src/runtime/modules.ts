import { availableParallelism } from 'node:os';
import { Engine } from '../gemm/engine.js';
import { gemmModuleBytes, KERNEL_CODES } from '../gemm/kernels.js';
import { type IgemmShape, igemmName } from '../kernels/simd/igemm-module.js';
import {
  convModuleBytes,
  type IgemmFn,
  type RoiAlignFn,
  type SimdKernels,
  type SpatialFn,
} from '../kernels/simd/module.js';
import { roiAlignName } from '../kernels/simd/roi-align-module.js';
import { spatialName } from '../kernels/simd/spatial-module.js';
import { compileModule, detectSimd, instantiate, type WasmMemory, type WasmModule } from '../wasm/api.js';

/** WebAssembly SIMD and relaxed-SIMD FMA, detected once at start-up. */
export const support = detectSimd(convModuleBytes);

function threadsFromEnv(): number {
  const fromEnv = Number.parseInt(process.env['OCELLUS_THREADS'] ?? '', 10);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : availableParallelism();
}

/** Threads taking part in a pooled call, the caller included: OCELLUS_THREADS or one per core. */
export const defaultThreads = threadsFromEnv();

/** The compiled modules, compiled once by the calling thread and handed to every worker. */
export interface Modules {
  /** GEMM kernels by KERNEL_CODES index; undefined for 'js' and what the runtime lacks. */
  gemm: (WasmModule | undefined)[];
  conv: WasmModule | undefined;
}

export function compileModules(): Modules {
  const gemm = KERNEL_CODES.map((name) => {
    if (name === 'js' || !support.simd || (name === 'simd-relaxed' && !support.relaxed)) return undefined;
    return compileModule(gemmModuleBytes(name));
  });
  return { gemm, conv: support.simd ? compileModule(convModuleBytes(support.relaxed)) : undefined };
}

/** One thread's instances of the modules over the shared memory: the GEMM engine and the conv kernels. */
export class Instance {
  readonly engine: Engine;
  private readonly exports: Record<string, unknown>;

  constructor(
    readonly memory: WasmMemory,
    modules: Modules,
  ) {
    this.engine = new Engine(memory, modules.gemm);
    this.exports = modules.conv ? instantiate(modules.conv, memory) : {};
  }

  /** The convolution kernels (pooling, ReLU, staging, norms); only where SIMD is supported. */
  get kernels(): SimdKernels {
    return this.exports as unknown as SimdKernels;
  }

  igemm(shape: IgemmShape): IgemmFn {
    const fn = this.exports[igemmName(shape)];
    if (typeof fn !== 'function') throw new Error(`no igemm kernel ${igemmName(shape)}`);
    return fn as IgemmFn;
  }

  /** The spatial direct convolution for `channels` output channels (1..SPATIAL_MAX_CHANNELS). */
  spatial(channels: number): SpatialFn {
    const fn = this.exports[spatialName(channels)];
    if (typeof fn !== 'function') throw new Error(`no spatial kernel ${spatialName(channels)}`);
    return fn as SpatialFn;
  }

  /** RoIAlign's forward or backward over one RoI for runs of `vectors` channel vectors (1 or ROI_ALIGN_BLOCK). */
  roiAlign(vectors: number, backward: boolean): RoiAlignFn {
    const name = roiAlignName(vectors, backward);
    const fn = this.exports[name];
    if (typeof fn !== 'function') throw new Error(`no RoIAlign kernel ${name}`);
    return fn as RoiAlignFn;
  }
}

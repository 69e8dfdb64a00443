import type { IgemmShape } from '../kernels/simd/igemm-module.js';
import type { IgemmFn, SimdKernels } from '../kernels/simd/module.js';
import { Control } from './control.js';
import { Arena } from './memory.js';
import { compileModules, defaultThreads, Instance, type Modules, support } from './modules.js';
import { Pool } from './pool.js';

export type { TableSpec } from './memory.js';
export { defaultThreads, support };

/**
 * The one WebAssembly runtime of the calling thread: the shared memory (Arena), the compiled modules and
 * their instances on this thread, and the one worker pool that GEMM jobs and igemm calls share.
 */
export class Runtime extends Arena {
  readonly modules: Modules = compileModules();
  readonly instance = new Instance(this.memory, this.modules);
  readonly pool = new Pool(this.memory, this.modules);
  /** The control block of calls run inline, so that they never touch the pool's. */
  readonly solo = new Control();

  get kernels(): SimdKernels {
    return this.instance.kernels;
  }

  igemm(shape: IgemmShape): IgemmFn {
    return this.instance.igemm(shape);
  }
}

let main: Runtime | undefined;

export function runtime(): Runtime {
  main ??= new Runtime();
  return main;
}

/** The runtime where WebAssembly SIMD runs the convolution kernels, else undefined. */
export const simdRuntime = (): Runtime | undefined => (support.simd ? runtime() : undefined);

/** Pool diagnostics: workers in the pool, workers started so far (replacements count), igemm units run by workers. */
export function poolStats(): { workers: number; started: number; workerUnits: number } {
  return runtime().pool.stats;
}

/** Test hook: worker `participant` (1 = the first worker) exits in the middle of the next pooled call. */
export function exitWorkerDuringNextCall(participant: number): void {
  runtime().pool.exitDuringNextCall = participant;
}

import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { Engine, Operands } from './engine.js';
import {
  Control,
  EXIT_WORKER,
  type Job,
  MAX_WORKERS,
  OPERANDS_SEQ,
  STATE_BOOTING,
  STATE_DEAD,
  STATE_READY,
  workerDone,
  workerGen,
  workerState,
} from './job.js';
import type { WasmMemory, WasmModule } from './runtime.js';
import { Aborted, SharedSync } from './sync.js';

/** What a worker receives at start-up; operands arrive later on `port`, read synchronously. */
export interface WorkerInit {
  control: SharedArrayBuffer;
  memory: WasmMemory;
  modules: (WasmModule | undefined)[];
  index: number;
  port: MessagePort;
}

export interface OperandMessage extends Operands {
  seq: number;
}

interface Slot {
  worker: Worker;
  port: MessagePort;
  exited: boolean;
  exitCode: number;
  error: string;
}

const BOOT_TIMEOUT_MS = 30_000;

/** The parent's Node options less those naming what to run (`-e`, `-p`, `--input-type`), which a worker would obey. */
function workerExecArgv(): string[] {
  const options: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') i++;
    else if (!/^--(input-type|eval|print)=/.test(arg)) options.push(arg);
  }
  return options;
}
const WAIT_SLICE_MS = 100;

/**
 * worker_threads that run shares of a job alongside the calling thread. Dispatch is one Atomics.notify
 * per worker; the operand arrays (shared memory) are posted only when they change.
 */
export class Pool {
  private readonly control = new Control();
  private readonly sync = new SharedSync(this.control);
  private readonly slots: (Slot | undefined)[] = [];
  private generation = 0;
  private operandsSeq = 0;
  private posted: Operands | undefined;
  /** Test hook: the worker (1-based participant) that exits during the next call. */
  exitDuringNextCall = 0;

  constructor(
    private readonly memory: WasmMemory,
    private readonly modules: (WasmModule | undefined)[],
  ) {}

  /** Workers started so far, including replacements, for diagnostics and tests. */
  started = 0;

  get size(): number {
    return this.slots.length;
  }

  /** Runs the jobs with `participants` threads: the caller is participant 0, worker w is w + 1. */
  run(jobs: Job[], ops: Operands, participants: number, engine: Engine): void {
    const workers = Math.min(participants - 1, MAX_WORKERS);
    this.ensureWorkers(workers);
    this.postOperands(ops);
    const i32 = this.control.i32;
    for (const job of jobs) {
      this.control.write(job);
      i32[EXIT_WORKER] = this.exitDuringNextCall;
      this.generation++;
      for (let w = 0; w < workers; w++) {
        Atomics.store(i32, workerGen(w), this.generation);
        Atomics.notify(i32, workerGen(w));
      }
      try {
        engine.run(job, ops, this.sync, 0);
      } catch (error) {
        if (!(error instanceof Aborted)) this.control.fail(`gemm: ${(error as Error).message}`);
      }
      for (let w = 0; w < workers; w++) this.awaitWorker(w);
      this.exitDuringNextCall = 0;
      if (this.control.aborted()) {
        const message = this.control.error();
        this.replaceDead();
        throw new Error(message);
      }
    }
  }

  private awaitWorker(w: number): void {
    const i32 = this.control.i32;
    for (;;) {
      const done = Atomics.load(i32, workerDone(w));
      if (done === this.generation) return;
      if (Atomics.load(i32, workerState(w)) === STATE_DEAD) {
        this.control.fail(`gemm worker ${w + 1} died during the call; it has been replaced`);
        return;
      }
      Atomics.wait(i32, workerDone(w), done, WAIT_SLICE_MS);
    }
  }

  private postOperands(ops: Operands): void {
    const last = this.posted;
    if (last && last.a === ops.a && last.b === ops.b && last.c === ops.c) return;
    this.operandsSeq++;
    const message: OperandMessage = { seq: this.operandsSeq, a: ops.a, b: ops.b, c: ops.c };
    for (const slot of this.slots) slot?.port.postMessage(message);
    Atomics.store(this.control.i32, OPERANDS_SEQ, this.operandsSeq);
    this.posted = ops;
  }

  private isDead(w: number): boolean {
    const slot = this.slots[w];
    return !slot || slot.exited || Atomics.load(this.control.i32, workerState(w)) === STATE_DEAD;
  }

  private replaceDead(): void {
    for (let w = 0; w < this.slots.length; w++) if (this.isDead(w)) this.spawn(w);
  }

  /** Starts missing or dead workers and blocks until they are ready (their start-up needs no event loop). */
  private ensureWorkers(count: number): void {
    const booting: number[] = [];
    for (let w = 0; w < count; w++) {
      if (w >= this.slots.length || this.isDead(w)) this.spawn(w);
      if (Atomics.load(this.control.i32, workerState(w)) === STATE_BOOTING) booting.push(w);
    }
    for (const w of booting) this.awaitReady(w);
  }

  private awaitReady(w: number): void {
    const i32 = this.control.i32;
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (;;) {
      const state = Atomics.load(i32, workerState(w));
      if (state === STATE_READY) return;
      const slot = this.slots[w];
      if (state === STATE_DEAD || Date.now() > deadline) {
        throw new Error(`gemm worker ${w + 1} failed to start${slot?.error ? `: ${slot.error}` : ''}`);
      }
      Atomics.wait(i32, workerState(w), state, WAIT_SLICE_MS);
    }
  }

  private spawn(w: number): void {
    const old = this.slots[w];
    if (old && !old.exited) void old.worker.terminate();
    const i32 = this.control.i32;
    Atomics.store(i32, workerState(w), STATE_BOOTING);
    Atomics.store(i32, workerGen(w), 0);
    Atomics.store(i32, workerDone(w), 0);
    const { port1, port2 } = new MessageChannel();
    const init: WorkerInit = {
      control: this.control.buffer,
      memory: this.memory,
      modules: this.modules,
      index: w,
      port: port2,
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: init,
      transferList: [port2],
      execArgv: workerExecArgv(),
    });
    const slot: Slot = { worker, port: port1, exited: false, exitCode: 0, error: '' };
    worker.on('error', (error) => {
      slot.error = error.message;
    });
    worker.on('exit', (code) => {
      slot.exited = true;
      slot.exitCode = code;
    });
    worker.unref();
    port1.unref();
    this.slots[w] = slot;
    this.started++;
    // The fresh worker has none of the operands yet: post them again on the next call.
    this.posted = undefined;
  }
}

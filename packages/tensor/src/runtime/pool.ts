import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { WasmMemory } from '../wasm/api.js';
import {
  Aborted,
  Control,
  EXIT_WORKER,
  MAX_WORKERS,
  PARTICIPANTS,
  POSTED_SEQ,
  STATE_BOOTING,
  STATE_DEAD,
  STATE_READY,
  TASK,
  TASK_NAMES,
  WORKER_UNITS,
  workerBusy,
  workerGen,
  workerState,
} from './control.js';
import type { Modules } from './modules.js';

/** What a worker receives at start-up; shared arrays arrive later on `port`, read synchronously. */
export interface WorkerInit {
  control: SharedArrayBuffer;
  memory: WasmMemory;
  modules: Modules;
  index: number;
  port: MessagePort;
}

/** Arrays outside the WebAssembly memory that workers read (the GEMM's operands), numbered by POSTED_SEQ. */
export interface PostedArrays {
  seq: number;
  arrays: readonly ArrayBufferView[];
}

interface Slot {
  worker: Worker;
  port: MessagePort;
  exited: boolean;
  error: string;
}

const BOOT_TIMEOUT_MS = 30_000;
const WAIT_SLICE_MS = 100;

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

/**
 * The one set of worker_threads: each runs its share of a GEMM job or of an igemm call alongside the
 * calling thread. A dispatch is one Atomics.notify per worker taking part; a worker that wakes after
 * the work is gone finds the dispatch closed and goes back to sleep, so a descheduled worker costs the
 * caller nothing. Workers never keep the process alive.
 */
export class Pool {
  readonly control = new Control();
  private readonly slots: (Slot | undefined)[] = [];
  private seq = 0;
  private postedSeq = 0;
  private posted: readonly ArrayBufferView[] = [];
  private wanted: readonly ArrayBufferView[] = [];
  /** Test hook: the worker (1-based participant) that exits during the next dispatch. */
  exitDuringNextCall = 0;
  /** Workers started so far, including replacements, for diagnostics and tests. */
  started = 0;

  constructor(
    private readonly memory: WasmMemory,
    private readonly modules: Modules,
  ) {}

  get size(): number {
    return this.slots.length;
  }

  get stats(): { workers: number; started: number; workerUnits: number } {
    const workerUnits = Atomics.load(this.control.i32, WORKER_UNITS);
    return { workers: this.size, started: this.started, workerUnits };
  }

  /**
   * Runs `work` on the caller (participant 0) while workers 1 .. participants - 1 run the same task
   * from the parameters already written to the control block; returns once all of them are out.
   */
  run(task: number, participants: number, work: () => void): void {
    const workers = Math.min(participants - 1, MAX_WORKERS);
    this.ensureWorkers(workers);
    this.post();
    const { control } = this;
    const i32 = control.i32;
    i32[TASK] = task;
    i32[PARTICIPANTS] = workers + 1;
    i32[EXIT_WORKER] = this.exitDuringNextCall;
    const seq = ++this.seq;
    control.open(seq);
    for (let w = 0; w < workers; w++) {
      Atomics.store(i32, workerGen(w), seq);
      Atomics.notify(i32, workerGen(w));
    }
    try {
      work();
    } catch (error) {
      if (!(error instanceof Aborted)) control.fail(`${TASK_NAMES[task]}: ${(error as Error).message}`);
    }
    if (this.exitDuringNextCall > 0) this.awaitExit(this.exitDuringNextCall - 1);
    control.close();
    for (let w = 0; w < workers; w++) this.awaitWorker(w, task);
    this.exitDuringNextCall = 0;
    if (control.aborted()) {
      const message = control.error();
      this.replaceDead();
      throw new Error(message);
    }
  }

  /** Makes `arrays` what workers read from the next dispatch on (posted then, unless they hold them already). */
  share(arrays: readonly ArrayBufferView[]): void {
    this.wanted = arrays;
  }

  private post(): void {
    const [last, arrays] = [this.posted, this.wanted];
    if (last.length === arrays.length && arrays.every((a, i) => a === last[i])) return;
    const message: PostedArrays = { seq: ++this.postedSeq, arrays };
    for (const slot of this.slots) slot?.port.postMessage(message);
    Atomics.store(this.control.i32, POSTED_SEQ, this.postedSeq);
    this.posted = arrays;
  }

  /** Waits until worker w is out of the closed dispatch (a worker that died counts as out). */
  private awaitWorker(w: number, task: number): void {
    const i32 = this.control.i32;
    while (Atomics.load(i32, workerBusy(w)) !== 0) {
      if (Atomics.load(i32, workerState(w)) === STATE_DEAD) {
        this.control.fail(`${TASK_NAMES[task]} worker ${w + 1} died during the call; it has been replaced`);
        return;
      }
      Atomics.wait(i32, workerBusy(w), 1, WAIT_SLICE_MS);
    }
  }

  /** Test hook: keeps the dispatch open until worker w, told to exit during it, has woken and exited. */
  private awaitExit(w: number): void {
    const i32 = this.control.i32;
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (let state = Atomics.load(i32, workerState(w)); state !== STATE_DEAD && Date.now() < deadline; ) {
      Atomics.wait(i32, workerState(w), state, WAIT_SLICE_MS);
      state = Atomics.load(i32, workerState(w));
    }
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
        throw new Error(`worker ${w + 1} failed to start${slot?.error ? `: ${slot.error}` : ''}`);
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
    Atomics.store(i32, workerBusy(w), 0);
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
    const slot: Slot = { worker, port: port1, exited: false, error: '' };
    worker.on('error', (error) => {
      slot.error = error.message;
    });
    worker.on('exit', () => {
      slot.exited = true;
    });
    worker.unref();
    port1.unref();
    this.slots[w] = slot;
    this.started++;
    // The fresh worker holds none of the shared arrays yet: post them again on the next call.
    this.posted = [];
  }
}

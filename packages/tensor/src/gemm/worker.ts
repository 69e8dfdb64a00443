import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Engine, type Operands } from './engine.js';
import {
  Control,
  EXIT_WORKER,
  OPERANDS_SEQ,
  STATE_DEAD,
  STATE_READY,
  workerDone,
  workerGen,
  workerState,
} from './job.js';
import type { OperandMessage, WorkerInit } from './pool.js';
import { Aborted, SharedSync } from './sync.js';

/** A pool worker: sleeps on its generation slot, runs its share of each job, reports the generation done. */
function serve(init: WorkerInit): void {
  const control = new Control(init.control);
  const i32 = control.i32;
  const w = init.index;
  const engine = new Engine(init.memory, init.modules);
  const sync = new SharedSync(control);
  process.on('exit', (code) => {
    Atomics.store(i32, workerState(w), STATE_DEAD);
    control.fail(`gemm worker ${w + 1} exited with code ${code} during the call; it has been replaced`);
  });
  let operands: Operands | undefined;
  let seq = 0;
  let seen = 0;
  Atomics.store(i32, workerState(w), STATE_READY);
  Atomics.notify(i32, workerState(w));
  for (;;) {
    Atomics.wait(i32, workerGen(w), seen);
    const generation = Atomics.load(i32, workerGen(w));
    if (generation === seen) continue;
    seen = generation;
    if (Atomics.load(i32, EXIT_WORKER) === w + 1) process.exit(70);
    try {
      const want = Atomics.load(i32, OPERANDS_SEQ);
      while (seq !== want) {
        const received = receiveMessageOnPort(init.port);
        if (!received) throw new Error('operands were not posted');
        operands = received.message as OperandMessage;
        seq = (received.message as OperandMessage).seq;
      }
      if (!operands) throw new Error('operands were not posted');
      engine.run(control.read(), operands, sync, w + 1);
    } catch (error) {
      if (!(error instanceof Aborted)) control.fail(`gemm worker ${w + 1}: ${(error as Error).message}`);
    }
    Atomics.store(i32, workerDone(w), generation);
    Atomics.notify(i32, workerDone(w));
  }
}

serve(workerData as WorkerInit);

import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { Operands } from '../gemm/engine.js';
import { readJob } from '../gemm/job.js';
import { SharedSync } from '../gemm/sync.js';
import { participateRoiAlign } from '../kernels/roi-align-pooled.js';
import { participate } from '../kernels/simd/igemm.js';
import { participateRoiAlignSimd } from '../kernels/simd/roi-align.js';
import { participateSpatial } from '../kernels/simd/spatial.js';
import {
  Aborted,
  Control,
  EXIT_WORKER,
  PARTICIPANTS,
  POSTED_SEQ,
  STATE_DEAD,
  STATE_READY,
  TASK,
  TASK_GEMM,
  TASK_IGEMM,
  TASK_NAMES,
  TASK_ROI_ALIGN,
  TASK_ROI_ALIGN_SIMD,
  TASK_SPATIAL,
  workerBusy,
  workerGen,
  workerState,
} from './control.js';
import { Instance } from './modules.js';
import type { PostedArrays, WorkerInit } from './pool.js';

/** A pool worker: sleeps on its generation slot, runs its share of each open dispatch, then reports out. */
function serve(init: WorkerInit): void {
  const control = new Control(init.control);
  const i32 = control.i32;
  const w = init.index;
  const instance = new Instance(init.memory, init.modules);
  const sync = new SharedSync(control);
  let posted: PostedArrays = { seq: 0, arrays: [] };

  /** The arrays posted up to POSTED_SEQ (`count` of them), read synchronously from the port. */
  function postedArrays(count: number): readonly ArrayBufferView[] {
    const want = Atomics.load(i32, POSTED_SEQ);
    while (posted.seq !== want) {
      const received = receiveMessageOnPort(init.port);
      if (!received) throw new Error('operands were not posted');
      posted = received.message as PostedArrays;
    }
    if (posted.arrays.length !== count) throw new Error('operands were not posted');
    return posted.arrays;
  }

  function operands(): Operands {
    const [a, b, c] = postedArrays(3) as Operands['a'][];
    return { a: a!, b: b!, c: c! };
  }

  const tasks: Record<number, (participant: number) => void> = {
    [TASK_GEMM]: (participant) => instance.engine.run(readJob(control), operands(), sync, participant),
    [TASK_IGEMM]: () => participate(instance, control, true),
    [TASK_ROI_ALIGN]: () => participateRoiAlign(control, postedArrays(3)),
    [TASK_SPATIAL]: () => participateSpatial(instance, control, true),
    [TASK_ROI_ALIGN_SIMD]: (participant) => participateRoiAlignSimd(instance, control, participant),
  };

  process.on('exit', (code) => {
    Atomics.store(i32, workerState(w), STATE_DEAD);
    const task = TASK_NAMES[i32[TASK]!] ?? 'pool';
    control.fail(`${task} worker ${w + 1} exited with code ${code} during the call; it has been replaced`);
  });
  let seen = 0;
  Atomics.store(i32, workerState(w), STATE_READY);
  Atomics.notify(i32, workerState(w));
  for (;;) {
    Atomics.wait(i32, workerGen(w), seen);
    const seq = Atomics.load(i32, workerGen(w));
    if (seq === seen) continue;
    seen = seq;
    Atomics.store(i32, workerBusy(w), 1);
    // Set busy before looking: the caller closes, then waits for busy workers, so either sees the other.
    if (control.isOpen(seq) && w + 1 < i32[PARTICIPANTS]!) {
      if (Atomics.load(i32, EXIT_WORKER) === w + 1) process.exit(70);
      const task = i32[TASK]!;
      try {
        tasks[task]!(w + 1);
      } catch (error) {
        if (!(error instanceof Aborted)) {
          control.fail(`${TASK_NAMES[task]} worker ${w + 1}: ${(error as Error).message}`);
        }
      }
    }
    Atomics.store(i32, workerBusy(w), 0);
    Atomics.notify(i32, workerBusy(w));
  }
}

serve(workerData as WorkerInit);

import { workerData } from 'node:worker_threads';
import { DEAD, type IgemmWorkerInit, INFLIGHT, participate, READY, SEQ } from './igemm-pool.js';
import { SimdRuntime } from './runtime.js';

// An igemm worker: sleeps on the call counter and takes part in each call (see igemm-pool.ts).

const init = workerData as IgemmWorkerInit;
const i32 = new Int32Array(init.control);
const rt = new SimdRuntime(init.relaxed, init.memory);
process.on('exit', () => {
  Atomics.store(i32, DEAD, 1);
  Atomics.notify(i32, INFLIGHT);
});
let seen = Atomics.load(i32, SEQ);
Atomics.add(i32, READY, 1);
for (;;) {
  Atomics.wait(i32, SEQ, seen);
  seen = Atomics.load(i32, SEQ);
  participate(rt, i32, true);
}

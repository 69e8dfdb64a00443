import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Raises the calling thread's nice value by `nice` (Linux only; elsewhere, or when refused, it stays
 * as it is: a lower priority is an improvement, never a requirement). Threads it starts afterwards inherit it: the inference thread
 * and its GEMM workers then yield the cores to the event loop, so health checks and admission answer
 * at once while forward passes use whatever time is left.
 */
export function lowerThreadPriority(nice: number): void {
  if (nice === 0) return;
  try {
    // `/proc/thread-self` is `<pid>/task/<tid>`; setpriority(2) on a tid changes that thread alone.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, nice);
  } catch {
    // No /proc/thread-self (not Linux) or the call was refused: forward passes run at the loop's priority.
  }
}

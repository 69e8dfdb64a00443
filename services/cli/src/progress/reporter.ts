import type { JobPhase, JobProgress } from '@ocellus/contracts';
import type { Output } from '../io.js';
import { LogLines } from './log-lines.js';
import { ProgressBar } from './progress-bar.js';

/** Receives a training job's hooks and shows them on stdout. */
export interface ProgressReporter {
  phase(phase: JobPhase): void;
  progress(progress: JobProgress): void;
  log(line: string): void;
  /** Ends any live line so the next output starts on a fresh one. */
  finish(): void;
}

/** A redrawn bar on a terminal; timestamped lines when stdout is a pipe or a file (CI logs, `| tee`). */
export function progressReporter(out: Output, now: () => number = Date.now): ProgressReporter {
  return out.isTTY ? new ProgressBar(out, now) : new LogLines(out, now);
}

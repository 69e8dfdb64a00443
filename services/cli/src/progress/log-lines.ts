import type { JobPhase, JobProgress } from '@ocellus/contracts';
import type { Output } from '../io.js';
import type { ProgressReporter } from './reporter.js';
import { TrainingStatus } from './status.js';

/** A progress line at the end of each epoch and at most this often within one. */
const PROGRESS_EVERY_MS = 10_000;

/** The epoch's summary carries its validation metrics; the last step's report before it does not. */
function endsEpoch(progress: JobProgress): boolean {
  return progress.step === progress.steps && Object.keys(progress.metrics).some((k) => k.startsWith('val_'));
}

/** Plain lines with the elapsed time, no cursor control: what a log file or CI console can hold. */
export class LogLines implements ProgressReporter {
  private readonly status: TrainingStatus;
  private readonly startedAt: number;
  private printedAt: number;

  constructor(
    private readonly out: Output,
    private readonly now: () => number,
  ) {
    this.status = new TrainingStatus(now);
    this.startedAt = now();
    this.printedAt = this.startedAt;
  }

  phase(phase: JobPhase): void {
    this.log(`phase ${phase}`);
  }

  progress(progress: JobProgress): void {
    this.status.update(progress);
    const t = this.now();
    if (!endsEpoch(progress) && t - this.printedAt < PROGRESS_EVERY_MS) return;
    this.printedAt = t;
    this.log(`progress ${progress.percent.toFixed(1)}% ${this.status.fields(progress).join(' ')}`);
  }

  log(line: string): void {
    const elapsed = (this.now() - this.startedAt) / 1000;
    this.out.write(`[${elapsed.toFixed(1).padStart(6)}s] ${line}\n`);
  }

  finish(): void {}
}

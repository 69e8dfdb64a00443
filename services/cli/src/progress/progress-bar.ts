import type { JobPhase, JobProgress } from '@ocellus/contracts';
import type { Output } from '../io.js';
import type { ProgressReporter } from './reporter.js';
import { TrainingStatus } from './status.js';

const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 24;
/** Redraws at most ten times a second: a terminal write per step would slow small models down. */
const REDRAW_MS = 100;

/** One line rewritten in place: `[=====>    ] 41% epoch 3/15 step 52/118 loss ... ETA 1m23s`. */
export class ProgressBar implements ProgressReporter {
  private readonly status: TrainingStatus;
  private line = '';
  private drawnAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: Output,
    private readonly now: () => number,
  ) {
    this.status = new TrainingStatus(now);
  }

  phase(phase: JobPhase): void {
    this.log(phase.toLowerCase().replace('_', ' '));
  }

  progress(progress: JobProgress): void {
    this.status.update(progress);
    const filled = Math.round((BAR_WIDTH * progress.percent) / 100);
    const bar = '='.repeat(Math.max(filled - 1, 0)) + (filled > 0 ? '>' : '');
    this.line = [
      `[${bar.padEnd(BAR_WIDTH)}] ${progress.percent.toFixed(0).padStart(3)}%`,
      ...this.status.fields(progress),
    ].join(' ');
    const columns = this.out.columns ?? 120;
    if (this.line.length >= columns) this.line = this.line.slice(0, columns - 1);
    const t = this.now();
    if (t - this.drawnAt >= REDRAW_MS || progress.step === progress.steps) {
      this.drawnAt = t;
      this.out.write(CLEAR_LINE + this.line);
    }
  }

  /** Prints above the bar, then redraws the bar. */
  log(line: string): void {
    this.out.write(`${CLEAR_LINE}${line}\n${this.line}`);
  }

  finish(): void {
    if (this.line !== '') this.out.write(`${CLEAR_LINE}${this.line}\n`);
    this.line = '';
  }
}

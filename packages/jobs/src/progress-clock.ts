import type { JobProgress } from '@ocellus/contracts';

/**
 * Adds `etaSeconds` to progress from the pace of this attempt (a resumed run starts part-way), and says
 * when a report is due: at most one per `intervalMs`, so the store and the event log stay small.
 */
export class ProgressClock {
  private readonly started = Date.now();
  private startPercent: number | null = null;
  private lastSent = 0;

  constructor(private readonly intervalMs: number) {}

  withEta(progress: JobProgress): JobProgress {
    this.startPercent ??= progress.percent;
    const done = progress.percent - this.startPercent;
    if (done <= 0) return progress;
    const elapsed = (Date.now() - this.started) / 1000;
    const etaSeconds = (elapsed / done) * (100 - progress.percent);
    return { ...progress, metrics: { ...progress.metrics, etaSeconds } };
  }

  due(): boolean {
    const now = Date.now();
    if (now - this.lastSent < this.intervalMs) return false;
    this.lastSent = now;
    return true;
  }
}

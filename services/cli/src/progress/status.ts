import type { JobProgress } from '@ocellus/contracts';
import { formatDuration, formatPercent } from '../format.js';

/** What both reporters show of a step: loss, the last epoch's validation accuracy, throughput and the time left. */
export class TrainingStatus {
  private startedAt: number | null = null;
  private valAccuracy: number | undefined;

  constructor(private readonly now: () => number) {}

  update(progress: JobProgress): void {
    this.startedAt ??= this.now();
    const m = progress.metrics;
    this.valAccuracy = m['val_accuracy'] ?? this.valAccuracy;
  }

  /** Linear extrapolation of the elapsed time over the part done. */
  eta(percent: number): string {
    if (this.startedAt === null || percent <= 0) return '?';
    const elapsed = (this.now() - this.startedAt) / 1000;
    return formatDuration((elapsed * (100 - percent)) / percent);
  }

  fields(progress: JobProgress): string[] {
    const m = progress.metrics;
    const fields = [`epoch ${progress.epoch}/${progress.epochs}`, `step ${progress.step}/${progress.steps}`];
    if (m['loss'] !== undefined) fields.push(`loss ${m['loss'].toFixed(4)}`);
    if (this.valAccuracy !== undefined) fields.push(`val_acc ${formatPercent(this.valAccuracy)}`);
    if (m['examplesPerSecond'] !== undefined) fields.push(`${Math.round(m['examplesPerSecond'])} ex/s`);
    fields.push(`ETA ${this.eta(progress.percent)}`);
    return fields;
  }
}

import type { BestRecord, EpochRecord } from './checkpoint.js';
import type { Monitor } from './options.js';

/** Whether `record` beats `best` on the monitored metric by more than `minDelta`. */
export function improves(
  monitor: Monitor,
  record: EpochRecord,
  best: BestRecord | null,
  minDelta: number,
): boolean {
  const value = record.metrics[monitor.metric];
  if (value === undefined) {
    const known = Object.keys(record.metrics).join(', ');
    throw new Error(`fit: monitored metric "${monitor.metric}" is not among the epoch's metrics (${known})`);
  }
  if (Number.isNaN(value)) return false;
  if (!best) return true;
  return monitor.mode === 'min' ? value < best.value - minDelta : value > best.value + minDelta;
}

export function bestOf(monitor: Monitor, record: EpochRecord): BestRecord {
  return {
    epoch: record.epoch,
    metric: monitor.metric,
    value: record.metrics[monitor.metric]!,
    metrics: { ...record.metrics },
  };
}

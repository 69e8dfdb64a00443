import type { Metrics } from '@ocellus/contracts';

/** The fit loop's Keras-style names, as API.md spells them (`trainAccuracy`, `valAccuracy`, ...). */
const RENAMED: Record<string, string> = { accuracy: 'trainAccuracy' };

const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Renames the metrics of a progress report or epoch for the job record; non-finite values are dropped. */
export function apiMetrics(metrics: Metrics): Metrics {
  const renamed: Metrics = {};
  for (const [name, value] of Object.entries(metrics)) {
    if (Number.isFinite(value)) renamed[RENAMED[name] ?? camel(name)] = value;
  }
  return renamed;
}

import type { Metrics, Task } from '@ocellus/contracts';
import type { TaskOutputs, TaskTargets } from '../../types.js';

/** A model scored on held-out data: the numbers the manifest records, and the tables beside them. */
export interface TaskEvaluation {
  /** Recorded in the manifest's `metrics` (e.g. `testAccuracy`, `testAp50`); finite numbers only. */
  metrics: Metrics;
  /** Recorded in the manifest's `extra` (e.g. per-class accuracy, the confusion matrix). */
  details: Record<string, unknown>;
  examples: number;
  /** One line for logs and the CLI. */
  summary: string;
}

/** What a scorer knows of the model besides its outputs: its labels and its input size. */
export interface ScoringContext {
  labels: readonly string[];
  height: number;
  width: number;
  /**
   * Each image's own size, when outputs and targets are in the pixels of images of other sizes (photo-like
   * uploads, boxes mapped back to each upload); masks are pasted at it. The input size otherwise.
   */
  sizes?: readonly { height: number; width: number }[];
}

export type Scorer<T extends Task> = (
  outputs: TaskOutputs[T][],
  targets: TaskTargets[T][],
  context: ScoringContext,
) => TaskEvaluation;

export const percent = (v: number) => `${(100 * v).toFixed(2)}%`;

/** The metrics with a value: a figure over an empty set (NaN) is left out rather than recorded. */
export function finite(metrics: Record<string, number>): Metrics {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
}

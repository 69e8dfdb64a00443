import { type RngState, Tensor } from '@ocellus/tensor';
import type { OptimizerState } from '../optim/optimizer.js';

/** What one finished epoch measured: `loss` (training mean) and `val_<name>` for validation. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  metrics: Record<string, number>;
}

/** The best epoch so far by the monitored metric. */
export interface BestRecord {
  epoch: number;
  metric: string;
  value: number;
  metrics: Record<string, number>;
}

/**
 * Everything needed to continue a run exactly: after `epoch` completed epochs and `step` steps of
 * the next one (0 at an epoch boundary).
 */
export interface Checkpoint {
  format: 1;
  epoch: number;
  step: number;
  seed: number;
  batchSize: number;
  model: Record<string, Tensor>;
  optimizer: OptimizerState;
  rng: RngState;
  history: EpochRecord[];
  best: BestRecord | null;
  /** Model state at the best epoch (null before the first epoch ends). */
  bestModel: Record<string, Tensor> | null;
  /** Epochs since the monitored metric last improved (early stopping). */
  staleEpochs: number;
  /** Running sums of the epoch in progress, so its mean loss comes out the same after a resume. */
  epochLoss: EpochLoss;
}

/** Contiguous copies, safe from the in-place updates of later steps. */
export function cloneState(state: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(state)) {
    const data = t.dtype === 'float64' ? new Float64Array(t.values()) : new Float32Array(t.values());
    out[name] = new Tensor(data, t.shape);
  }
  return out;
}

/** The running training loss of the epoch in progress: the sum over examples, and of each named term. */
export interface EpochLoss {
  sum: number;
  examples: number;
  parts?: Record<string, number>;
}

import type { Tensor } from '@ocellus/tensor';

/** Serialisable optimiser state: scalars plus per-parameter slot tensors (e.g. Adam's m and v). */
export interface OptimizerState {
  type: string;
  step: number;
  lr: number;
  hyper: Record<string, number>;
  /** `slots[name][i]` belongs to parameter i (in the order given to the constructor). */
  slots: Record<string, (Float32Array | Float64Array | null)[]>;
}

/**
 * Optimisers see only parameters and their gradients (ConvNetJS's getParamsAndGrads); parameters
 * whose `requiresGrad` is false (frozen) or whose `grad` is null are skipped.
 */
export interface Optimizer {
  readonly params: readonly Tensor[];
  /** The current learning rate; schedules set it between steps. */
  lr: number;
  step(): void;
  zeroGrad(): void;
  stateDict(): OptimizerState;
  loadStateDict(state: OptimizerState): void;
}

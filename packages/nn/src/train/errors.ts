import type { Checkpoint } from './checkpoint.js';

/** Thrown when `signal` aborts a run; `checkpoint` resumes it exactly from where it stopped. */
export class TrainingAbortedError extends Error {
  override readonly name = 'AbortError';

  constructor(
    readonly checkpoint: Checkpoint,
    reason?: unknown,
  ) {
    super(
      `training aborted after epoch ${checkpoint.epoch} step ${checkpoint.step}` +
        (reason instanceof Error ? `: ${reason.message}` : typeof reason === 'string' ? `: ${reason}` : ''),
    );
  }
}

export interface NonFiniteLossDetails {
  loss: number;
  /** 1-based epoch and step where the loss went bad. */
  epoch: number;
  step: number;
  lr: number;
  /** The batch inputs themselves held NaN or Inf (bad data rather than divergence). */
  badInputs: boolean;
}

/** Thrown when the loss becomes NaN or ±Inf; names the likely cause. */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';

  constructor(
    readonly details: NonFiniteLossDetails,
    /** The last epoch-end checkpoint, from before the divergence (null in the first epoch). */
    readonly checkpoint: Checkpoint | null,
  ) {
    const where = `loss is ${details.loss} at epoch ${details.epoch}, step ${details.step}`;
    super(
      details.badInputs
        ? `${where}: the batch inputs contain NaN or Inf values; check the data and its preprocessing`
        : `${where}: the learning rate is likely too high (lr = ${details.lr}); ` +
            'lower it (e.g. by 10x) or clip the gradient norm',
    );
  }
}

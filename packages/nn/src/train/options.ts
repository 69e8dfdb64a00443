import type { Rng, Tensor } from '@ocellus/tensor';
import type { Module } from '../module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedules.js';
import type { BestRecord, Checkpoint, EpochRecord } from './checkpoint.js';
import type { Batch, IndexedDataset } from './dataset.js';
import type { LossTerms } from './loss-terms.js';

/** The model's output for a batch (default: `model.forward(batch.inputs)`); any shape a task needs. */
export type ForwardFn<T, O = Tensor> = (model: Module, batch: Batch<T>, rng: Rng) => O;

/** Named values for one batch, e.g. `{ accuracy }`; fit averages them weighted by batch size. */
export type MetricFn<T, O = Tensor> = (output: O, batch: Batch<T>) => Record<string, number>;

export interface Monitor {
  /** `loss` (training), `val_loss`, or `val_<name>` from the metric function. */
  metric: string;
  mode: 'min' | 'max';
}

export interface FitProgress {
  /** `step` after each optimiser step; `epoch` once the epoch's metrics are in. */
  phase: 'step' | 'epoch';
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** 1-based step within the epoch. */
  step: number;
  steps: number;
  /** This batch's loss (`step`) or the epoch's mean training loss (`epoch`). */
  loss: number;
  /** This batch's named loss terms (`step`); the epoch's means are in `metrics` as `loss_<name>`. */
  losses?: Record<string, number>;
  /** The epoch's metrics (`epoch` phase only). */
  metrics?: Record<string, number>;
  /** Training throughput of the epoch so far. */
  examplesPerSecond: number;
  lr: number;
}

export interface FitOptions<T = Int32Array, O = Tensor> {
  /** Scalar loss of a batch's output, or named scalar terms minimised as their sum (each logged). */
  loss: (output: O, batch: Batch<T>) => LossTerms;
  /** An optimiser over the model's parameters, or a factory given `model.parameters()`. */
  optimizer: Optimizer | ((parameters: Tensor[]) => Optimizer);
  epochs: number;
  /** Examples per step: the dataset size (default) for full-batch, 1 for stochastic, m for minibatch. */
  batchSize?: number;
  /** Skip a short last batch. */
  dropLast?: boolean;
  /** Seeds the epoch shuffles and, unless `rng` is given, the run's generator. Default 0. */
  seed?: number;
  /** Visit examples in a fresh seeded order each epoch (default true). */
  shuffle?: boolean;
  /**
   * The run's generator, handed to `data.batch` (augmentation) and `forward`; build stochastic
   * layers (dropout) on it too so checkpoints capture their randomness.
   */
  rng?: Rng;
  /** Required when the output is not the tensor `model.forward(batch.inputs)` returns. */
  forward?: ForwardFn<T, O>;
  /** Evaluated after each epoch in eval mode without gradients: `val_loss` plus `val_<metric>`. */
  validation?: IndexedDataset<T>;
  metrics?: MetricFn<T, O>;
  validationBatchSize?: number;
  /** What "best" means. Default: `val_loss` with validation data, else `loss`; mode min. */
  monitor?: Monitor;
  /** Stop after this many epochs without improvement of the monitored metric. */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Load the best epoch's weights into the model before returning. */
  restoreBest?: boolean;
  /** Learning rate for each epoch, given the number of epochs already completed (e.g. `stepLr`). */
  schedule?: LrSchedule;
  /** Clip the global L2 norm of the gradients to this value before each step. */
  clipGradNorm?: number;
  onProgress?: (progress: FitProgress) => void;
  /** Receives a checkpoint at the end of every epoch (awaited). */
  onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Aborts between steps with a `TrainingAbortedError` carrying a checkpoint of that point. */
  signal?: AbortSignal;
  /** Continue the run that wrote this checkpoint (same data, options and seed). */
  resumeFrom?: Checkpoint;
}

export interface FitResult {
  history: EpochRecord[];
  best: BestRecord | null;
  /** Copies of the model's state when fit returned, and at the best epoch. */
  finalState: Record<string, Tensor>;
  bestState: Record<string, Tensor> | null;
  stopReason: 'completed' | 'early-stopping';
  /** The last epoch-end checkpoint; resume from it with more `epochs` to train on. */
  checkpoint: Checkpoint;
}

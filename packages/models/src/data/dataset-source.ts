import type { BUILTIN_DATASETS, JobSpec, Task } from '@ocellus/contracts';
import type { TrainingData } from '../types.js';

/** The datasets of the table; a stored dataset (`{name, version}`) is read from the dataset store instead. */
export type DatasetName = (typeof BUILTIN_DATASETS)[number];

/** The job's data: training and validation for fitting, and the held-out test split for evaluation only. */
export interface PreparedData<T extends Task = Task> {
  data: TrainingData<T>;
  /** Indices into `data.set`, never seen by training, model selection or early stopping. */
  test: Int32Array;
}

/** Options of the library's callers that the job spec does not carry. */
export interface DataOptions {
  /**
   * Keep only these classes of the dataset, relabelled 0..n-1 in this order (e.g. digits 5-9 as a
   * 5-class task for transfer learning); the dataset's counts then apply to these classes alone.
   */
  classes?: readonly number[];
  /** Root of the dataset store that `dataset: {name, version}` is read from (see @ocellus/datasets). */
  datasetsRoot?: string;
}

/**
 * One entry of the dataset table: the tasks it has targets for, and how a job spec's counts and seed
 * draw it for one of those tasks.
 */
export interface DatasetSource<N extends DatasetName> {
  readonly tasks: readonly Task[];
  prepare(dataset: Extract<JobSpec['dataset'], { name: N }>, options: DataOptions, task: Task): PreparedData;
}

import { isStoredDataset, type JobSpec } from '@ocellus/contracts';
import type { DataOptions, DatasetName, DatasetSource, PreparedData } from './dataset-source.js';
import { digitLocSource } from './digit-loc-source.js';
import { digitScenesSource } from './digit-scenes-source.js';
import { mnistSource } from './mnist-source.js';
import { prepareStoredDataset } from './stored-source.js';

export class UnsupportedDatasetError extends Error {
  override readonly name = 'UnsupportedDatasetError';
}

/** The one table keyed by `dataset.name`; user datasets join it as their issue lands. */
export const datasets: { readonly [N in DatasetName]?: DatasetSource<N> } = {
  mnist: mnistSource,
  'digit-loc': digitLocSource,
  'digit-scenes': digitScenesSource,
};

/** The job's data, from the dataset its spec names, for the task it trains. */
export function prepareData(spec: JobSpec, options: DataOptions = {}): PreparedData {
  const { dataset, task } = spec;
  if (isStoredDataset(dataset)) return prepareStoredDataset(spec, options);
  const source = datasets[dataset.name] as DatasetSource<typeof dataset.name> | undefined;
  if (source === undefined) {
    const known = Object.keys(datasets).join(', ');
    throw new UnsupportedDatasetError(
      `dataset '${dataset.name}' is not available in this build (have: ${known})`,
    );
  }
  if (!source.tasks.includes(task)) {
    throw new UnsupportedDatasetError(
      `dataset '${dataset.name}' has no '${task}' targets (it serves ${source.tasks.join(', ')})`,
    );
  }
  return source.prepare(dataset, options, task);
}

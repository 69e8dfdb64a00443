import type { JobSpec } from '@ocellus/contracts';
import { loadMnist, MNIST_LABELS, mnistSubset } from '@ocellus/vision/mnist';
import type { TrainingData } from '../types.js';

/** The job's data: training and validation for fitting, and the held-out test split for evaluation only. */
export interface PreparedData {
  data: TrainingData;
  test: Int32Array;
}

export class UnsupportedDatasetError extends Error {
  override readonly name = 'UnsupportedDatasetError';
}

export function prepareData(spec: JobSpec): PreparedData {
  const dataset = spec.dataset;
  if (dataset.name !== 'mnist') {
    throw new UnsupportedDatasetError(
      `dataset '${dataset.name}' is not available in this build (only 'mnist')`,
    );
  }
  const subset = mnistSubset({
    train: dataset.train,
    validation: dataset.validation,
    ...(dataset.test === undefined ? {} : { test: dataset.test }),
    seed: dataset.seed,
  });
  return {
    data: {
      task: 'classify',
      set: loadMnist(),
      train: subset.train,
      validation: subset.validation,
      labels: MNIST_LABELS,
      imageFormat: 'mnist-digit',
    },
    test: subset.test,
  };
}

import type { JobSpec } from '@ocellus/contracts';
import { MNIST_LABELS } from '@ocellus/vision/mnist';
import { localisationImages } from '@ocellus/vision/scenes';
import type { DataOptions, DatasetSource, PreparedData } from './dataset-source.js';
import { digitSplits } from './digit-splits.js';

type DigitLocDataset = Extract<JobSpec['dataset'], { name: 'digit-loc' }>;

/** Localisation images (REFERENCE.md "Digit scenes" 4): each image's target is its digit and box. */
function prepareDigitLoc(dataset: DigitLocDataset, options: DataOptions): PreparedData<'localize'> {
  const { scenes, train, validation, test } = digitSplits(dataset, options, localisationImages);
  return {
    data: {
      task: 'localize',
      set: scenes.set,
      targets: (indices) =>
        Array.from(indices, (i) => {
          const object = scenes.objects[i]![0]!;
          return { index: object.index, box: [...object.box] };
        }),
      train,
      validation,
      labels: MNIST_LABELS,
      imageFormat: 'digit-scene',
    },
    test,
  };
}

export const digitLocSource: DatasetSource<'digit-loc'> = { tasks: ['localize'], prepare: prepareDigitLoc };

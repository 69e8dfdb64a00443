import type { JobSpec } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { type ImageSet, proportionalCounts } from '@ocellus/vision/datasets';
import {
  canonicalSplit,
  loadMnist,
  MNIST_LABELS,
  type MnistSubset,
  mnistSubset,
} from '@ocellus/vision/mnist';
import type { DataOptions, DatasetSource, PreparedData } from './dataset-source.js';

type MnistDataset = Extract<JobSpec['dataset'], { name: 'mnist' }>;

function checkClasses(classes: readonly number[], count: number): void {
  const valid = classes.every((c) => Number.isInteger(c) && c >= 0 && c < count);
  if (classes.length < 2 || !valid || new Set(classes).size !== classes.length) {
    throw new RangeError(
      `classes must be at least two distinct class indices in [0, ${count}), got [${classes.join(', ')}]`,
    );
  }
}

/**
 * `mnistSubset` restricted to `classes`: the same stratified, seeded draw (validation first, then
 * train, then test from the test split) over the listed classes' members of the canonical split.
 */
function classSubset(dataset: MnistDataset, classes: readonly number[]): MnistSubset {
  const { labels } = loadMnist();
  const split = canonicalSplit();
  const rng = new Rng(dataset.seed);
  const groups = (indices: Int32Array) =>
    classes.map((c) => rng.shuffle(Array.from(indices).filter((i) => labels[i] === c)));
  const draw = (members: number[][], cap: number) => {
    const sizes = members.map((g) => g.length);
    const counts = proportionalCounts(
      Math.min(
        cap,
        sizes.reduce((a, b) => a + b, 0),
      ),
      sizes,
    );
    return Int32Array.from(rng.shuffle(members.flatMap((g, c) => g.splice(0, counts[c]))));
  };
  const trainGroups = groups(split.train);
  const validation = draw(trainGroups, dataset.validation);
  const train = draw(trainGroups, dataset.train);
  const test = draw(groups(split.test), dataset.test ?? split.test.length);
  return { train, validation, test };
}

/** The set with `classes[j]` relabelled j; other images keep label -1 and are never drawn. */
function relabelled(set: ImageSet, classes: readonly number[]): ImageSet {
  const labels = new Int32Array(set.size).fill(-1);
  set.labels.forEach((label, i) => {
    labels[i] = classes.indexOf(label);
  });
  return { ...set, labels };
}

/** The `mnist` package's digits on the canonical split (REFERENCE.md "Data"), optionally a class subset. */
function prepareMnist(dataset: MnistDataset, options: DataOptions): PreparedData<'classify'> {
  const classes = options.classes;
  if (classes) checkClasses(classes, MNIST_LABELS.length);
  const subset = classes
    ? classSubset(dataset, classes)
    : mnistSubset({
        train: dataset.train,
        validation: dataset.validation,
        ...(dataset.test === undefined ? {} : { test: dataset.test }),
        seed: dataset.seed,
      });
  const set = classes ? relabelled(loadMnist(), classes) : loadMnist();
  return {
    data: {
      task: 'classify',
      set,
      targets: (indices) => Array.from(indices, (i) => set.labels[i]!),
      train: subset.train,
      validation: subset.validation,
      labels: classes ? classes.map((c) => MNIST_LABELS[c]!) : MNIST_LABELS,
      imageFormat: 'mnist-digit',
    },
    test: subset.test,
  };
}

export const mnistSource: DatasetSource<'mnist'> = { tasks: ['classify'], prepare: prepareMnist };

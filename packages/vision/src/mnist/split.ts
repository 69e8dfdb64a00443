import { Rng } from '@ocellus/tensor';
import { groupByLabel, proportionalCounts, shuffled } from '../datasets/stratify.js';
import { loadMnist } from './load.js';

/** Indices into `loadMnist()`. */
export interface CanonicalSplit {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Upper bounds on each split's size, as in the job spec's `dataset` (test defaults to the whole test split). */
export interface MnistSubsetOptions {
  train?: number;
  validation?: number;
  test?: number;
  seed?: number;
}

export interface MnistSubset {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

let cached: CanonicalSplit | null = null;

/**
 * REFERENCE.md "Data": per class, the first floor(0.8 n) samples in file order are for training and
 * validation, the rest are the test split. Both lists are in file order.
 */
export function canonicalSplit(): CanonicalSplit {
  if (cached) return cached;
  const train: number[] = [];
  const test: number[] = [];
  for (const members of groupByLabel(loadMnist().labels)) {
    const cut = Math.floor(0.8 * members.length);
    train.push(...members.slice(0, cut));
    test.push(...members.slice(cut));
  }
  cached = { train: Int32Array.from(train), test: Int32Array.from(test) };
  return cached;
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  const count = value ?? fallback;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`${name} must be a count >= 0, got ${count}`);
  return count;
}

/** Takes `counts[c]` of each shuffled class group, then shuffles the union so classes interleave. */
function draw(groups: number[][], counts: number[], rng: Rng): Int32Array {
  const picked: number[] = [];
  groups.forEach((group, c) => {
    picked.push(...group.splice(0, counts[c]!));
  });
  return Int32Array.from(rng.shuffle(picked));
}

/**
 * Seeded, stratified subsets of the canonical split: validation is drawn first from the training
 * part, train from what is left, test from the test split; each class gets its share in proportion
 * to its size (largest remainder), so the class mix matches the split's. Counts are caps: with the
 * job spec's defaults (8000 / 1000) validation gets 1000 and train the other 6996 digits.
 */
export function mnistSubset(options: MnistSubsetOptions = {}): MnistSubset {
  const split = canonicalSplit();
  const { labels } = loadMnist();
  const rng = new Rng(options.seed ?? 1);
  const byClass = (indices: Int32Array) =>
    groupByLabel(Array.from(indices, (i) => labels[i]!)).map((g) =>
      shuffled(
        g.map((p) => indices[p]!),
        rng,
      ),
    );
  const trainGroups = byClass(split.train);
  const testGroups = byClass(split.test);
  const sizes = (groups: number[][]) => groups.map((g) => g.length);

  const validationCount = Math.min(checkCount('validation', options.validation, 1000), split.train.length);
  const validation = draw(trainGroups, proportionalCounts(validationCount, sizes(trainGroups)), rng);
  const trainCount = Math.min(checkCount('train', options.train, 8000), split.train.length - validationCount);
  const train = draw(trainGroups, proportionalCounts(trainCount, sizes(trainGroups)), rng);
  const testCount = Math.min(checkCount('test', options.test, split.test.length), split.test.length);
  const test = draw(testGroups, proportionalCounts(testCount, sizes(testGroups)), rng);
  return { train, validation, test };
}

import { Rng } from '@ocellus/tensor';
import { canonicalSplit, mnistSubset } from '@ocellus/vision/mnist';
import {
  concatSceneSets,
  type DigitObject,
  type DigitSetOptions,
  type SceneSet,
} from '@ocellus/vision/scenes';
import type { DataOptions } from './dataset-source.js';

/** A job spec's generated-dataset counts and seed, as `digit-loc` and `digit-scenes` both carry them. */
export interface DigitSetCounts {
  train: number;
  validation: number;
  test: number;
  seed: number;
  size: { height: number; width: number };
}

/** Generated train, validation and test images in one set, with each split's indices into it. */
export interface DigitSplits {
  scenes: SceneSet<DigitObject>;
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Which of the three sets a generated set becomes. */
export type DigitSetPart = 'train' | 'validation' | 'test';

const range = (start: number, count: number) => Int32Array.from({ length: count }, (_, i) => start + i);

/**
 * Validation images are drawn from a held-out eighth of the training part's digits (stratified,
 * seeded by the spec), train images from the other seven eighths, test images from the test split;
 * each set has its own seed derived from the spec's, so no image or digit is shared between them.
 */
export function digitSplits(
  counts: DigitSetCounts,
  options: DataOptions,
  generate: (options: DigitSetOptions, part: DigitSetPart) => SceneSet<DigitObject>,
): DigitSplits {
  if (options.classes)
    throw new RangeError('a class subset applies to mnist only, not to generated digit sets');
  const trainPart = canonicalSplit().train;
  const digits = mnistSubset({
    seed: counts.seed,
    validation: Math.floor(trainPart.length / 8),
    train: trainPart.length,
    test: 0,
  });
  const rng = new Rng(counts.seed);
  const [trainSeed, validationSeed, testSeed] = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];
  const { size } = counts;
  const scenes = concatSceneSets([
    generate({ split: 'train', pool: digits.train, count: counts.train, seed: trainSeed, size }, 'train'),
    generate(
      { split: 'train', pool: digits.validation, count: counts.validation, seed: validationSeed, size },
      'validation',
    ),
    generate({ split: 'test', count: counts.test, seed: testSeed, size }, 'test'),
  ]);
  return {
    scenes,
    train: range(0, counts.train),
    validation: range(counts.train, counts.validation),
    test: range(counts.train + counts.validation, counts.test),
  };
}

import { Rng } from '@ocellus/tensor';
import { groupByLabel, shuffled } from './stratify.js';

/** One cross-validation fold: ascending positions to fit on and to score on. */
export interface Fold {
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

/**
 * Stratified k-fold over positions 0..n-1 of `labels`: each class is shuffled and dealt round-robin,
 * the deal continuing across classes, so fold sizes differ by at most one and every fold keeps the
 * class mix. The validation parts partition 0..n-1.
 */
export function kFold(labels: ArrayLike<number>, k: number, seed = 1): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k-fold needs an integer k >= 2, got ${k}`);
  if (labels.length < k) throw new RangeError(`cannot make ${k} folds of ${labels.length} samples`);
  const rng = new Rng(seed);
  const owner = new Int32Array(labels.length);
  let deal = 0;
  for (const group of groupByLabel(labels)) {
    for (const position of shuffled(group, rng)) owner[position] = deal++ % k;
  }
  return Array.from({ length: k }, (_, fold) => {
    const train: number[] = [];
    const validation: number[] = [];
    owner.forEach((f, position) => {
      (f === fold ? validation : train).push(position);
    });
    return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
  });
}

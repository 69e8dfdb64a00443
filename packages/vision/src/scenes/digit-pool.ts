import { canonicalSplit } from '../mnist/split.js';

/** Which part of the canonical split (REFERENCE.md "Data") a set's digits come from. */
export type DigitSplit = 'train' | 'test';

/**
 * The MNIST indices a set may draw from: `pool` when given, after checking that every index is in
 * `split` (so training and evaluation digits never mix), else the whole split.
 */
export function digitPool(split: DigitSplit, pool?: Int32Array): Int32Array {
  const members = canonicalSplit()[split];
  if (pool === undefined) return members;
  if (pool.length === 0) throw new RangeError('the digit pool is empty');
  const allowed = new Set(members);
  const stray = pool.find((i) => !allowed.has(i));
  if (stray !== undefined) {
    throw new RangeError(`MNIST index ${stray} is not in the canonical ${split} split`);
  }
  return pool;
}

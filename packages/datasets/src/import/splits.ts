import { Rng } from '@ocellus/tensor';
import { DatasetError } from '../errors.js';
import { NO_SPLIT, RECORD_FIELDS, SPLIT_CODES } from './dataset-writer.js';

const TRAIN = SPLIT_CODES.indexOf('train');
const VALIDATION = SPLIT_CODES.indexOf('validation');
const TEST = SPLIT_CODES.indexOf('test');

export interface SplitOptions {
  validation: number;
  test: number;
  seed: number;
}

/**
 * Fills the split column of `records` in place. The upload's own split stays (a split it lacks is drawn
 * from its train part); an upload without one is split stratified and seeded.
 */
export function assignSplits(records: Int32Array, options: SplitOptions): 'format' | 'stratified' {
  const count = records.length / RECORD_FIELDS;
  const splitAt = (i: number) => i * RECORD_FIELDS + 4;
  const given = Array.from({ length: count }, (_, i) => records[splitAt(i)]!);
  const unsplit = given.filter((s) => s === NO_SPLIT).length;
  if (unsplit !== 0 && unsplit !== count) {
    throw new DatasetError('INVALID_DATASET', 'some images have a split (train/test) and others none');
  }
  const rng = new Rng(options.seed);
  const byClass = (keep: (split: number) => boolean) => {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      if (!keep(given[i]!)) continue;
      const label = records[i * RECORD_FIELDS + 3]!;
      const members = groups.get(label);
      if (members) members.push(i);
      else groups.set(label, [i]);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([, members]) => rng.shuffle(members));
  };
  const deal = (members: number[], fraction: number, split: number) => {
    for (const i of members.splice(0, Math.round(members.length * fraction))) records[splitAt(i)] = split;
  };
  if (unsplit === count) {
    for (const members of byClass(() => true)) {
      deal(members, options.test, TEST);
      deal(members, options.validation, VALIDATION);
      for (const i of members) records[splitAt(i)] = TRAIN;
    }
    return 'stratified';
  }
  // A split the upload lacks (validation, often test too) is drawn from its train part, class by class.
  for (const [split, fraction] of [
    [TEST, options.test],
    [VALIDATION, options.validation],
  ] as const) {
    if (given.includes(split)) continue;
    for (const members of byClass((s) => s === TRAIN)) {
      deal(
        members.filter((i) => records[splitAt(i)] === TRAIN),
        fraction,
        split,
      );
    }
  }
  return 'format';
}

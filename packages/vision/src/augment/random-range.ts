import type { Rng } from '@ocellus/tensor';

/** A closed interval `[low, high]` an augmentation draws one of its parameters from. */
export type Range = readonly [number, number];

function checked(range: Range, name: string, min: number): Range {
  const [low, high] = range;
  if (!(low >= min && high >= low))
    throw new RangeError(`${name} [${low}, ${high}] must have ${min} <= low <= high`);
  return range;
}

/** Uniform in the range. */
export function uniformIn(rng: Rng, range: Range, name: string): number {
  const [low, high] = checked(range, name, Number.NEGATIVE_INFINITY);
  return low + (high - low) * rng.uniform();
}

/** Log-uniform in a range of positive factors, so a factor and its inverse are equally likely. */
export function logUniformIn(rng: Rng, range: Range, name: string): number {
  const [low, high] = checked(range, name, Number.MIN_VALUE);
  return Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * rng.uniform());
}

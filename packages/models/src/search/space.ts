import type { JobSpec } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';

export type SearchSpec = NonNullable<JobSpec['search']>;
export type SearchDimension = SearchSpec['space'][string];
export type SearchValue = number | string | boolean;
/** One trial's assignment: dotted spec path -> value. */
export type TrialValues = Record<string, SearchValue>;

/** A grid this large is refused: every point is a full training run. */
export const MAX_GRID_TRIALS = 256;

export class SearchSpaceError extends Error {
  override readonly name = 'SearchSpaceError';
}

/** Bergstra & Bengio 2012: a range is sampled uniformly, or log-uniformly (uniform in log x) for 'log'. */
function sample(dimension: SearchDimension, rng: Rng): SearchValue {
  if (!Array.isArray(dimension)) return dimension.values[rng.int(0, dimension.values.length)]!;
  const [min, max, scale] = dimension;
  const u = rng.uniform();
  return scale === 'log'
    ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
    : min + u * (max - min);
}

/**
 * A grid's points along one dimension: the listed values, or `points` numbers spread evenly over a
 * range from min to max inclusive (geometrically for 'log'); one point is the (geometric) midpoint.
 */
export function gridPoints(dimension: SearchDimension, points: number): SearchValue[] {
  if (!Array.isArray(dimension)) return [...dimension.values];
  const [min, max, scale] = dimension;
  const log = scale === 'log';
  const [lo, hi] = log ? [Math.log(min), Math.log(max)] : [min, max];
  return Array.from({ length: points }, (_, i) => {
    const t = points === 1 ? 0.5 : i / (points - 1);
    const x = lo + t * (hi - lo);
    return log ? Math.exp(x) : x;
  });
}

/**
 * The trials of a search: `trials` random draws seeded by `seed` (dimensions in key order), or the
 * cartesian product of every dimension's grid points (`trials` points per range), last key fastest.
 */
export function searchTrials(search: SearchSpec, seed: number): TrialValues[] {
  const paths = Object.keys(search.space);
  if (search.method === 'random') {
    const rng = new Rng(seed);
    return Array.from({ length: search.trials }, () =>
      Object.fromEntries(paths.map((path) => [path, sample(search.space[path]!, rng)])),
    );
  }
  const axes = paths.map((path) => gridPoints(search.space[path]!, search.trials));
  const size = axes.reduce((n, axis) => n * axis.length, 1);
  if (size > MAX_GRID_TRIALS) {
    throw new SearchSpaceError(
      `search.space: the grid has ${size} points (${axes.map((a) => a.length).join(' x ')}), ` +
        `more than ${MAX_GRID_TRIALS}; list fewer values, lower search.trials or use method 'random'`,
    );
  }
  let trials: TrialValues[] = [{}];
  paths.forEach((path, d) => {
    trials = trials.flatMap((partial) => axes[d]!.map((value) => ({ ...partial, [path]: value })));
  });
  return trials;
}

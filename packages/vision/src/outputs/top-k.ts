import { selectRank } from '../image/quantile.js';

/**
 * Below this many scores, or when more than a quarter of them are wanted, one comparison sort of every
 * index is as quick as selecting first.
 */
const SELECT_FROM = 256;

/** Indices of the `k` highest scores, highest first; ties rank the lower index first, as argmax does. */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const n = scores.length;
  const count = Math.max(0, Math.min(k, n));
  if (count === 0) return [];
  const threshold = n < SELECT_FROM || count * 4 > n ? undefined : kthLargest(scores, count);
  if (threshold === undefined) {
    return Array.from({ length: n }, (_, i) => i)
      .sort(byScore(scores))
      .slice(0, count);
  }
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) if (scores[i]! > threshold) chosen.push(i);
  for (let i = 0; i < n && chosen.length < count; i++) if (scores[i] === threshold) chosen.push(i);
  return chosen.sort(byScore(scores));
}

/** Highest score first, ties by the lower index. */
const byScore =
  (scores: ArrayLike<number>) =>
  (a: number, b: number): number =>
    scores[b]! - scores[a]! || a - b;

/**
 * The `count`-th highest score, selected in a copy; undefined when a score is NaN, whose place only the
 * comparison sort defines.
 */
function kthLargest(scores: ArrayLike<number>, count: number): number | undefined {
  const values = new Float64Array(scores.length);
  for (let i = 0; i < values.length; i++) {
    const score = scores[i]!;
    if (Number.isNaN(score)) return undefined;
    values[i] = score;
  }
  return selectRank(values, values.length - count);
}

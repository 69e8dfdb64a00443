import type { Storage } from '@ocellus/tensor';

/**
 * Indices of the `k` smallest values of `row` (distances), nearest first; a partial selection that
 * keeps a sorted buffer of size k, so a row costs O(n k) at worst and O(n) typically.
 */
export function nearest(row: Storage, offset: number, n: number, k: number): Int32Array {
  const idx = new Int32Array(k).fill(-1);
  const dist = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  for (let j = 0; j < n; j++) {
    const d = row[offset + j]!;
    if (d >= dist[k - 1]!) continue;
    let p = k - 1;
    while (p > 0 && dist[p - 1]! > d) {
      dist[p] = dist[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    dist[p] = d;
    idx[p] = j;
  }
  return idx;
}

/**
 * Majority label among the first `k` neighbours (`labels[neighbours[i]]`); ties go to the label
 * whose first vote came from the nearer neighbour. Writes the vote fractions into `fractions`.
 */
export function vote(
  neighbours: Int32Array,
  labels: ArrayLike<number>,
  k: number,
  fractions: Float64Array,
): number {
  fractions.fill(0);
  let best = -1;
  let bestVotes = 0;
  let bestFirst = Number.POSITIVE_INFINITY;
  const first = new Map<number, number>();
  for (let i = 0; i < k; i++) {
    const j = neighbours[i]!;
    if (j < 0) break;
    const label = labels[j]!;
    fractions[label]! += 1 / k;
    if (!first.has(label)) first.set(label, i);
  }
  for (const [label, at] of first) {
    const votes = fractions[label]!;
    if (votes > bestVotes + 1e-12 || (Math.abs(votes - bestVotes) <= 1e-12 && at < bestFirst)) {
      best = label;
      bestVotes = votes;
      bestFirst = at;
    }
  }
  return best;
}

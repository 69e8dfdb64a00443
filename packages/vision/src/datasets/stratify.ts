import type { Rng } from '@ocellus/tensor';

/** Splits `total` over groups in proportion to `sizes` (Hamilton's largest-remainder method). */
export function proportionalCounts(total: number, sizes: readonly number[]): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (total > sum) throw new RangeError(`cannot draw ${total} from ${sum}`);
  if (sum === 0) return sizes.map(() => 0);
  const quotas = sizes.map((s) => (total * s) / sum);
  const counts = quotas.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((_, i) => i)
    .sort((a, b) => quotas[b]! - counts[b]! - (quotas[a]! - counts[a]!) || a - b);
  for (const i of order) {
    if (left === 0) break;
    counts[i]!++;
    left--;
  }
  return counts;
}

/** Positions 0..n-1 grouped by label, each group in ascending order. */
export function groupByLabel(labels: ArrayLike<number>): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0) throw new RangeError(`label ${label} is not a class index`);
    while (groups.length <= label) groups.push([]);
    groups[label]!.push(i);
  }
  return groups;
}

export function shuffled(values: readonly number[], rng: Rng): number[] {
  return rng.shuffle([...values]);
}

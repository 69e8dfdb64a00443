/**
 * The `q`-quantile (nearest rank, `floor(q n)`) of `values`, found by Hoare's quickselect in expected O(n).
 * Reorders `values` in place; pass a copy to keep the original order.
 */
export function selectQuantile(values: Float32Array, q: number): number {
  const n = values.length;
  if (n === 0) return 0;
  return selectRank(values, Math.min(n - 1, Math.max(0, Math.floor(q * n))));
}

/**
 * The value of rank `k` (0-based, ascending) of `values`, by the same quickselect; reorders `values` in
 * place. Needs 0 <= k < values.length and no NaN.
 */
export function selectRank(values: Float32Array | Float64Array, k: number): number {
  const n = values.length;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

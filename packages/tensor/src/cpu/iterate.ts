/**
 * Merges adjacent dimensions that every operand walks contiguously, so a contiguous or scalar
 * broadcast becomes one long row. Returns the merged shape and one stride list per operand.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): [number[], number[][]] {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => out[k]![last] === s[d]! * n);
    if (mergeable) {
      dims[last]! *= n;
      for (let k = 0; k < strides.length; k++) out[k]![last] = strides[k]![d]!;
    } else {
      dims.push(n);
      for (let k = 0; k < strides.length; k++) out[k]!.push(strides[k]![d]!);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    for (const o of out) o.push(0);
  }
  return [dims, out];
}

/**
 * Calls `row(offsets, length)` once per innermost row of an N-d iteration; `offsets[k]` is the start
 * of operand k in that row (its inner stride is `strides[k][last]`). One call per row, not per element.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  starts: readonly number[],
  row: (offsets: number[], length: number) => void,
): void {
  const nd = shape.length;
  const inner = shape[nd - 1]!;
  let rows = 1;
  for (let i = 0; i < nd - 1; i++) rows *= shape[i]!;
  if (rows === 0 || inner === 0) return;
  const k = strides.length;
  const offsets = [...starts];
  const idx = new Array<number>(nd).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) offsets[j]! += strides[j]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

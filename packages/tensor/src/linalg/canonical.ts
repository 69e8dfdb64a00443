/** Indices that sort values in descending order, ties kept in index order so results are deterministic. */
export function descendingOrder(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  return order.sort((i, j) => values[j]! - values[i]! || i - j);
}

/**
 * -1 when the entry of largest magnitude in a strided vector is negative, else 1: flipping by it fixes
 * the sign freedom of eigen- and singular vectors, so equal inputs always give equal outputs.
 */
export function signOfLargest(data: Float64Array, offset: number, stride: number, length: number): number {
  let best = 0;
  for (let i = 0, at = offset; i < length; i++, at += stride) {
    if (Math.abs(data[at]!) > Math.abs(best)) best = data[at]!;
  }
  return best < 0 ? -1 : 1;
}

/** Throws unless a is an m x n array of finite numbers. */
export function requireMatrix(op: string, a: Float64Array, m: number, n: number): void {
  for (const [name, value] of [
    ['rows', m],
    ['columns', n],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${op}: ${name} must be a positive integer, got ${value}`);
    }
  }
  if (a.length !== m * n)
    throw new RangeError(`${op}: expected ${m}x${n} = ${m * n} elements, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new RangeError(`${op}: element ${i} is ${a[i]}, not a finite number`);
  }
}

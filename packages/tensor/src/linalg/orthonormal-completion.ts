/**
 * Fills the rows listed in `missing` of the r x length row-major `basis` (whose other rows are
 * orthonormal) with unit vectors orthogonal to every other row: Gram-Schmidt, applied twice for
 * stability, on the first standard basis vector that keeps a large enough component.
 */
export function completeOrthonormal(
  basis: Float64Array,
  r: number,
  length: number,
  missing: readonly number[],
): void {
  const filled = new Set(Array.from({ length: r }, (_, j) => j).filter((j) => !missing.includes(j)));
  const candidate = new Float64Array(length);
  let next = 0;
  for (const j of missing) {
    for (; next < length; next++) {
      candidate.fill(0);
      candidate[next] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const k of filled) {
          let projection = 0;
          for (let i = 0; i < length; i++) projection += basis[k * length + i]! * candidate[i]!;
          for (let i = 0; i < length; i++) candidate[i]! -= projection * basis[k * length + i]!;
        }
      }
      let size = 0;
      for (let i = 0; i < length; i++) size += candidate[i]! * candidate[i]!;
      size = Math.sqrt(size);
      // At least one of the length unit vectors keeps a component >= 1/sqrt(length) outside the span.
      if (size >= 0.5 / Math.sqrt(length)) {
        for (let i = 0; i < length; i++) basis[j * length + i] = candidate[i]! / size;
        filled.add(j);
        break;
      }
    }
  }
}

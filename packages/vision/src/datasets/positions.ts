/**
 * The image indices at dataset `positions`: `indices[p]`, or `p` itself when the dataset exposes the
 * whole set; each position checked to lie in `[0, size)`.
 */
export function imageIndices(positions: Int32Array, size: number, indices?: Int32Array): Int32Array {
  return positions.map((p) => {
    if (!(p >= 0 && p < size)) throw new RangeError(`dataset position ${p} outside [0, ${size})`);
    return indices ? indices[p]! : p;
  });
}

import type { Box } from '@ocellus/contracts';

/**
 * K boxes stored flat as `[x1, y1, x2, y2]` per box (length 4K), the layout of a torchvision
 * `Tensor[K, 4]`. Detectors produce thousands of boxes, so the box tools read and write these
 * arrays directly instead of one `Box` tuple per box; `packBoxes` converts a `Box[]`.
 */
export type FlatBoxes = Float32Array | Float64Array;

/** `boxes` as one flat Float64Array `[x1, y1, x2, y2, ...]`. */
export function packBoxes(boxes: readonly Readonly<Box>[]): Float64Array {
  const flat = new Float64Array(boxes.length * 4);
  for (const [i, box] of boxes.entries()) flat.set(box, i * 4);
  return flat;
}

/** The number of boxes in `boxes`; throws unless its length is a multiple of 4. */
export function boxCount(boxes: FlatBoxes, what: string): number {
  if (boxes.length % 4 !== 0) {
    throw new RangeError(`${what}: flat boxes need 4 numbers a box, got length ${boxes.length}`);
  }
  return boxes.length / 4;
}

/** A zeroed array of `length` with the element type of `like` (torch keeps the input's dtype). */
export function allocateLike<T extends FlatBoxes>(like: T, length: number): T {
  return (like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length)) as T;
}

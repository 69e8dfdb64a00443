import type { Box } from '@ocellus/contracts';

/** Height and width of a model input, in pixels. */
export interface ImageSize {
  height: number;
  width: number;
}

/** Box `i` of flat `[x1, y1, x2, y2, ...]` boxes. */
export function boxAt(flat: ArrayLike<number>, i: number): Box {
  return [flat[4 * i]!, flat[4 * i + 1]!, flat[4 * i + 2]!, flat[4 * i + 3]!];
}

/** Boxes as float32 flat `[x1, y1, x2, y2, ...]`, the layout tensors and the box tools take. */
export function flatBoxes(boxes: readonly Readonly<Box>[]): Float32Array {
  const flat = new Float32Array(4 * boxes.length);
  boxes.forEach((box, i) => {
    flat.set(box, 4 * i);
  });
  return flat;
}

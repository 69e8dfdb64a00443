import { boxCount, type FlatBoxes } from './flat.js';

/** Indices, ascending, of the boxes with width and height both >= `minSize` (torchvision `remove_small_boxes`). */
export function removeSmallBoxes(boxes: FlatBoxes, minSize: number): Int32Array {
  const n = boxCount(boxes, 'removeSmallBoxes');
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (boxes[i * 4 + 2]! - boxes[i * 4]! >= minSize && boxes[i * 4 + 3]! - boxes[i * 4 + 1]! >= minSize) {
      keep.push(i);
    }
  }
  return Int32Array.from(keep);
}

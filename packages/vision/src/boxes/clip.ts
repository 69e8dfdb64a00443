import { allocateLike, boxCount, type FlatBoxes } from './flat.js';

/** Boxes clamped into the image, x to [0, width] and y to [0, height] (torchvision `clip_boxes_to_image`). */
export function clipBoxes<T extends FlatBoxes>(boxes: T, height: number, width: number): T {
  boxCount(boxes, 'clipBoxes');
  const clipped = allocateLike(boxes, boxes.length);
  for (let o = 0; o < boxes.length; o++) {
    clipped[o] = Math.min(Math.max(boxes[o]!, 0), o % 2 === 0 ? width : height);
  }
  return clipped;
}

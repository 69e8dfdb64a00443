import { countsToString, type Rle } from '../rle.js';

/** A mask over a box, row-major `height x width` (e.g. 28x28 probabilities of a Mask R-CNN head). */
export interface BoxMask {
  height: number;
  width: number;
  data: ArrayLike<number>;
}

/** Bilinear sample of `mask` at continuous mask coordinates (pixel centres at i + 0.5), edges clamped. */
function sample(mask: BoxMask, mx: number, my: number): number {
  const { width: w, height: h, data } = mask;
  const fx = Math.min(Math.max(mx - 0.5, 0), w - 1);
  const fy = Math.min(Math.max(my - 0.5, 0), h - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const top = data[y0 * w + x0]! * (1 - ax) + data[y0 * w + x1]! * ax;
  const bottom = data[y1 * w + x0]! * (1 - ax) + data[y1 * w + x1]! * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * Pastes `mask`, which covers `box` (`[x1, y1, x2, y2]` in image pixels), into a `height x width` image
 * (bilinear, as torchvision's `paste_masks_in_image`), thresholds it (`> threshold`), and returns its COCO
 * RLE. Only pixels whose centre lies in the box are sampled, so a large image costs its width plus the box.
 */
export function pasteMaskRle(
  mask: BoxMask,
  box: readonly number[],
  threshold: number,
  height: number,
  width: number,
): Rle {
  const [bx1, by1, bx2, by2] = box as [number, number, number, number];
  const bw = Math.max(bx2 - bx1, 1e-6);
  const bh = Math.max(by2 - by1, 1e-6);
  const xFrom = Math.max(0, Math.ceil(bx1 - 0.5));
  const xTo = Math.min(width, Math.ceil(bx2 - 0.5));
  const yFrom = Math.max(0, Math.ceil(by1 - 0.5));
  const yTo = Math.min(height, Math.ceil(by2 - 0.5));
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  const push = (value: number, length: number) => {
    if (length === 0) return;
    if (value !== previous) {
      counts.push(run);
      run = 0;
      previous = value;
    }
    run += length;
  };
  for (let x = 0; x < width; x++) {
    if (x < xFrom || x >= xTo || yFrom >= yTo) {
      push(0, height);
      continue;
    }
    const mx = ((x + 0.5 - bx1) / bw) * mask.width;
    push(0, yFrom);
    for (let y = yFrom; y < yTo; y++) {
      const my = ((y + 0.5 - by1) / bh) * mask.height;
      push(sample(mask, mx, my) > threshold ? 1 : 0, 1);
    }
    push(0, height - yTo);
  }
  counts.push(run);
  return { size: [height, width], counts: countsToString(counts) };
}

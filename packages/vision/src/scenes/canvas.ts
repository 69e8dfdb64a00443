import type { ImageSet } from '../datasets/image-set.js';
import { placedMaskRle } from './placed-mask.js';
import type { DigitObject, SceneSet } from './scene-set.js';
import type { DigitStamp } from './stamp.js';

/** Canvas height and width in pixels. */
export interface CanvasSize {
  height: number;
  width: number;
}

/** Blank (black) canvases of one grey channel, filled image by image. */
export class CanvasSet {
  readonly images: Float32Array;

  constructor(
    readonly count: number,
    readonly size: CanvasSize,
  ) {
    this.images = new Float32Array(count * size.height * size.width);
  }

  /** Composites `stamp` onto image `image` at (`left`, `top`) by per-pixel max; returns its object in canvas pixels. */
  place(image: number, stamp: DigitStamp, left: number, top: number): DigitObject {
    const { height, width } = this.size;
    const { size, pixels, extent } = stamp;
    const base = image * height * width + top * width + left;
    for (let y = 0; y < size; y++) {
      const row = base + y * width;
      for (let x = 0; x < size; x++) {
        const v = pixels[y * size + x]!;
        if (v > this.images[row + x]!) this.images[row + x] = v;
      }
    }
    return {
      index: stamp.digit,
      box: [left + extent[0], top + extent[1], left + extent[2], top + extent[3]],
      mask: placedMaskRle(stamp, left, top, height, width),
      mnistIndex: stamp.mnistIndex,
    };
  }

  /** The finished set, with each image's label, objects and caption. */
  finish(labels: Int32Array, objects: DigitObject[][], captions: string[]): SceneSet<DigitObject> {
    const set: ImageSet = {
      images: this.images,
      labels,
      size: this.count,
      channels: 1,
      height: this.size.height,
      width: this.size.width,
    };
    return { set, objects, captions };
  }
}

/** Checks a set's count and that a `largest x largest` stamp fits the canvas. */
export function checkCanvas(count: number, size: CanvasSize, largest: number): void {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be an integer >= 0, got ${count}`);
  const { height, width } = size;
  if (!(Number.isInteger(height) && Number.isInteger(width) && height >= largest && width >= largest)) {
    throw new RangeError(`canvas ${height}x${width} cannot hold a ${largest}x${largest} digit`);
  }
}

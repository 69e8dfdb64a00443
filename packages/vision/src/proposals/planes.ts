/** An image as `channels x height x width` float planes (CHW), values in 0..1. */
export interface ImagePlanes {
  pixels: Float32Array;
  channels: number;
  height: number;
  width: number;
}

/** Throws unless `image` has positive integer dimensions and exactly `channels * height * width` values. */
export function checkPlanes(image: ImagePlanes, what: string): void {
  const { pixels, channels, height, width } = image;
  for (const [name, value] of [
    ['channels', channels],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${what}: ${name} must be an integer >= 1, got ${value}`);
    }
  }
  if (pixels.length !== channels * height * width) {
    throw new RangeError(
      `${what}: ${channels}x${height}x${width} planes need ${channels * height * width} values, got ${pixels.length}`,
    );
  }
}

/** Plane `c` of `image` (a view, not a copy). */
export function plane(image: ImagePlanes, c: number): Float32Array {
  const size = image.height * image.width;
  return image.pixels.subarray(c * size, (c + 1) * size);
}

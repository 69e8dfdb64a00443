import type { Box, Rle } from '@ocellus/contracts';
import type { ImageSet } from '../datasets/image-set.js';

/** One annotated object: its class (the digit 0-9), its box and its mask over the whole canvas, in canvas pixels. */
export interface SceneObject {
  index: number;
  box: Box;
  mask: Rle;
}

/** A generated object also names the MNIST digit it was drawn from (an index into `loadMnist()`). */
export interface DigitObject extends SceneObject {
  mnistIndex: number;
}

/** Images with their objects and captions, `objects[i]` and `captions[i]` belonging to image `i` of `set`. */
export interface SceneSet<O extends SceneObject = SceneObject> {
  readonly set: ImageSet;
  readonly objects: readonly (readonly O[])[];
  readonly captions: readonly string[];
}

/** The sets one after another in a new set; they must share channels, height and width. */
export function concatSceneSets<O extends SceneObject>(parts: readonly SceneSet<O>[]): SceneSet<O> {
  const first = parts[0];
  if (first === undefined) throw new RangeError('concatSceneSets needs at least one set');
  const { channels, height, width } = first.set;
  const plane = channels * height * width;
  const size = parts.reduce((total, part) => total + part.set.size, 0);
  const images = new Float32Array(size * plane);
  const labels = new Int32Array(size);
  let start = 0;
  for (const { set } of parts) {
    if (set.channels !== channels || set.height !== height || set.width !== width) {
      throw new RangeError(
        `cannot concatenate ${set.channels}x${set.height}x${set.width} images to ${channels}x${height}x${width}`,
      );
    }
    images.set(set.images.subarray(0, set.size * plane), start * plane);
    labels.set(set.labels.subarray(0, set.size), start);
    start += set.size;
  }
  return {
    set: { images, labels, size, channels, height, width },
    objects: parts.flatMap((part) => part.objects),
    captions: parts.flatMap((part) => part.captions),
  };
}

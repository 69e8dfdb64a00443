import { Rng } from '@ocellus/tensor';
import { CanvasSet, type CanvasSize, checkCanvas } from './canvas.js';
import { digitPool } from './digit-pool.js';
import type { DigitSetOptions } from './digit-set-options.js';
import type { DigitObject, SceneSet } from './scene-set.js';
import { drawStamp, type SizeRange } from './stamp.js';

/** REFERENCE.md "Digit scenes" 4: 64x64 canvases, one digit of side 20..40 each. */
export const LOCALISATION_CANVAS: Readonly<CanvasSize> = { height: 64, width: 64 };
export const LOCALISATION_DIGIT_SIZES: Readonly<SizeRange> = { min: 20, max: 40 };

/**
 * Localisation images: one digit per canvas, its square placed uniformly inside. Each image's
 * label is its digit and its caption the digit alone.
 */
export function localisationImages(options: DigitSetOptions): SceneSet<DigitObject> {
  const { count, seed } = options;
  const size = options.size ?? LOCALISATION_CANVAS;
  checkCanvas(count, size, LOCALISATION_DIGIT_SIZES.max);
  const pool = digitPool(options.split, options.pool);
  const rng = new Rng(seed);
  const canvases = new CanvasSet(count, size);
  const labels = new Int32Array(count);
  const objects: DigitObject[][] = [];
  const captions: string[] = [];
  for (let i = 0; i < count; i++) {
    const stamp = drawStamp(rng, pool, LOCALISATION_DIGIT_SIZES);
    const left = rng.int(0, size.width - stamp.size + 1);
    const top = rng.int(0, size.height - stamp.size + 1);
    objects.push([canvases.place(i, stamp, left, top)]);
    labels[i] = stamp.digit;
    captions.push(String(stamp.digit));
  }
  return canvases.finish(labels, objects, captions);
}

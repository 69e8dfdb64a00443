import type { Box } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { boxIou } from '../boxes/iou.js';
import { CanvasSet, type CanvasSize, checkCanvas } from './canvas.js';
import { captionOf } from './captions.js';
import type { DigitDistortion } from './digit-distortion.js';
import { digitPool } from './digit-pool.js';
import type { DigitSetOptions } from './digit-set-options.js';
import type { DigitObject, SceneSet } from './scene-set.js';
import { type DigitStamp, drawStamp, type SizeRange, type StampDistortion } from './stamp.js';

/** REFERENCE.md "Digit scenes" 5: 128x128 canvases of 1..5 digits of side 16..40. */
export const SCENE_CANVAS: Readonly<CanvasSize> = { height: 128, width: 128 };
export const SCENE_DIGIT_SIZES: Readonly<SizeRange> = { min: 16, max: 40 };
export const SCENE_DIGIT_COUNTS: Readonly<SizeRange> = { min: 1, max: 5 };
/** A placement is kept only if its box overlaps every placed box by at most this IoU... */
export const SCENE_MAX_IOU = 0.2;
/** ...and its box centre x is at least this many pixels from theirs. */
export const SCENE_MIN_CENTRE_GAP = 4;
/** Placements tried per digit before the scene goes on without it. */
export const SCENE_PLACEMENT_TRIES = 100;
/** Mixed into the set's seed to seed the distortions' own draws. */
const DISTORTION_SEED = 0x5eed_d157;

export interface DigitScenesOptions extends DigitSetOptions {
  /** How many digits a scene tries to place, uniform in `min..max` (default 1..5). */
  digits?: SizeRange;
  /** Distorts the stamps (training sets), with draws of their own seeded from `seed`. */
  distort?: DigitDistortion;
}

const centreX = (box: Box) => (box[0] + box[2]) / 2;

function fits(box: Box, placed: readonly DigitObject[]): boolean {
  return placed.every(
    (other) =>
      boxIou(box, other.box) <= SCENE_MAX_IOU &&
      Math.abs(centreX(box) - centreX(other.box)) >= SCENE_MIN_CENTRE_GAP,
  );
}

/** Up to `SCENE_PLACEMENT_TRIES` uniform positions for `stamp`; the first that fits, or null. */
function findPlace(rng: Rng, stamp: DigitStamp, size: CanvasSize, placed: readonly DigitObject[]) {
  const [x1, y1, x2, y2] = stamp.extent;
  for (let attempt = 0; attempt < SCENE_PLACEMENT_TRIES; attempt++) {
    const left = rng.int(0, size.width - stamp.size + 1);
    const top = rng.int(0, size.height - stamp.size + 1);
    if (fits([left + x1, top + y1, left + x2, top + y2], placed)) return { left, top };
  }
  return null;
}

function checkDigitCounts(digits: SizeRange): void {
  const { min, max } = digits;
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && min <= max)) {
    throw new RangeError(`digits per scene must be integers with 1 <= min <= max, got ${min}..${max}`);
  }
}

/**
 * Scenes: `k` digits drawn one by one, each placed at the first of up to 100 uniform positions
 * whose box keeps IoU <= 0.2 and a centre-x gap >= 4 px to every box placed; a digit that finds
 * none is left out and the next one tries; with `distort`, each digit is distorted before it is
 * placed. Each image's label is the number of digits it kept, its caption the digits left to
 * right (`captionOf`).
 */
export function digitScenes(options: DigitScenesOptions): SceneSet<DigitObject> {
  const { count, seed } = options;
  const size = options.size ?? SCENE_CANVAS;
  const digits = options.digits ?? SCENE_DIGIT_COUNTS;
  checkCanvas(count, size, SCENE_DIGIT_SIZES.max);
  checkDigitCounts(digits);
  const pool = digitPool(options.split, options.pool);
  const rng = new Rng(seed);
  const distort: StampDistortion | undefined = options.distort && {
    rng: new Rng((seed ^ DISTORTION_SEED) >>> 0),
    distortion: options.distort,
  };
  const canvases = new CanvasSet(count, size);
  const labels = new Int32Array(count);
  const objects: DigitObject[][] = [];
  const captions: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = rng.int(digits.min, digits.max + 1);
    const placed: DigitObject[] = [];
    for (let d = 0; d < k; d++) {
      const stamp = drawStamp(rng, pool, SCENE_DIGIT_SIZES, distort);
      const place = findPlace(rng, stamp, size, placed);
      if (place) placed.push(canvases.place(i, stamp, place.left, place.top));
    }
    objects.push(placed);
    labels[i] = placed.length;
    captions.push(captionOf(placed));
  }
  return canvases.finish(labels, objects, captions);
}

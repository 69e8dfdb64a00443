import type { Box } from '@ocellus/contracts';
import type { Rng } from '@ocellus/tensor';
import { photoLike } from '@ocellus/vision/augment';
import { normalizeScene, resamplePlane } from '@ocellus/vision/image';
import type { BoxedAugmentation } from './localization-dataset.js';

/** Upload sizes drawn for training, as multiples of the input's width, and the height's aspect change. */
const SCALE: readonly [number, number] = [0.5, 3];
const ASPECT: readonly [number, number] = [0.75, 4 / 3];

const logUniform = (rng: Rng, [lo, hi]: readonly [number, number]) =>
  Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.uniform());

/**
 * A grey `width x height` training image as the service would see it uploaded photo-like: rendered at a
 * random size and aspect (either polarity, uneven paper, noise, blur, zoom and shift; seeded), brought
 * back to the input's size and through the `digit-scene` normalisation, its box following every step.
 * An image whose object the zoom pushed mostly off the canvas is left as it was.
 */
export function photoLikeBoxes(width: number, height: number): BoxedAugmentation {
  return ({ pixels, box }, rng) => {
    const sx = logUniform(rng, SCALE);
    const size = {
      width: Math.max(8, Math.round(sx * width)),
      height: Math.max(8, Math.round(sx * logUniform(rng, ASPECT) * height)),
    };
    const photo = photoLike({ pixels, width, height, objects: [{ box }] }, rng, { size });
    const moved = photo.objects[0];
    if (moved === undefined) return { pixels, box };
    const back = resamplePlane(photo.pixels, size.width, size.height, width, height);
    const fx = width / size.width;
    const fy = height / size.height;
    const scaled: Box = [moved.box[0] * fx, moved.box[1] * fy, moved.box[2] * fx, moved.box[3] * fy];
    return { pixels: normalizeScene(back, width, height), box: scaled };
  };
}

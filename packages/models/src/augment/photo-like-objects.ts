import type { Box } from '@ocellus/contracts';
import type { Rng } from '@ocellus/tensor';
import { decodedGrey, drawEncoding, photoLike, UPLOAD_JPEG_QUALITY } from '@ocellus/vision/augment';
import { normalizeScene, resamplePlane } from '@ocellus/vision/image';

/** Upload sizes drawn for training, as multiples of the input's width, and the height's aspect change. */
const SCALE: readonly [number, number] = [0.5, 3];
const ASPECT: readonly [number, number] = [0.75, 4 / 3];

/** The share of training images made photo-like unless a spec says otherwise (`augmentation.photoLikeShare`). */
const PHOTO_SHARE = 0.5;

const logUniform = (rng: Rng, [lo, hi]: readonly [number, number]) =>
  Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.uniform());

/** A grey image with its objects, in model-input pixels, as an augmentation sees it. */
export interface ObjectsImage<O extends { box: Box; mask?: Uint8Array }> {
  pixels: Float32Array;
  objects: readonly O[];
}

/** A seeded change of one image that moves its objects' boxes with it; objects pushed off it are dropped. */
export type ObjectsAugmentation = <O extends { box: Box; mask?: Uint8Array }>(
  image: ObjectsImage<O>,
  rng: Rng,
) => ObjectsImage<O>;

/** A 0/1 mask of `from` pixels brought to `to` pixels: bilinear, then cut at 0.5. */
function maskBack(
  mask: Uint8Array,
  from: { width: number; height: number },
  to: { width: number; height: number },
): Uint8Array {
  const plane = resamplePlane(Float32Array.from(mask), from.width, from.height, to.width, to.height);
  return Uint8Array.from(plane, (v) => (v >= 0.5 ? 1 : 0));
}

export interface PhotoLikeObjectsOptions {
  /**
   * No zoom or shift, only the upload's size and look (as `photoLikeUpload` makes evaluation uploads):
   * every object stays on the canvas where it was, for targets that cannot follow an object dropped, such as
   * a caption.
   */
  keepFrame?: boolean;
  /** The share of training images made photo-like (PHOTO_SHARE unless given); the rest stay as they are. */
  share?: number;
  /**
   * When given, each photo-like image is stored at its upload size as an upload is: this share of them as a
   * JPEG (quality 50-95, as `photoLikeUpload` draws it), the rest as 8-bit grey levels (a PNG's). Unset, neither.
   */
  jpeg?: number;
}

/**
 * A `share` of the time (half unless given, drawn from `rng`), a grey `width x height` training image as the service
 * would see it uploaded photo-like, else the image as it is: rendered at a random size and aspect (either
 * polarity, uneven paper, noise, blur, zoom and shift unless `keepFrame`; seeded), stored as its upload would
 * be if `jpeg` is given, brought back to the input's size and through the `digit-scene` normalisation, the
 * boxes (and full-canvas masks) following every step.
 * Objects the zoom pushed mostly off the canvas are dropped; other fields of an object are kept.
 */
export function photoLikeObjects(
  width: number,
  height: number,
  options: PhotoLikeObjectsOptions = {},
): ObjectsAugmentation {
  const frame = options.keepFrame ? { zoom: [1, 1] as [number, number], translate: 0 } : {};
  const share = options.share ?? PHOTO_SHARE;
  const { jpeg } = options;
  return ({ pixels, objects }, rng) => {
    if (rng.uniform() >= share) return { pixels, objects };
    const sx = logUniform(rng, SCALE);
    const size = {
      width: Math.max(8, Math.round(sx * width)),
      height: Math.max(8, Math.round(sx * logUniform(rng, ASPECT) * height)),
    };
    const photo = photoLike({ pixels, width, height, objects }, rng, { size, ...frame });
    const stored =
      jpeg === undefined
        ? photo.pixels
        : decodedGrey(
            photo.pixels,
            size.width,
            size.height,
            drawEncoding(rng, { jpeg, quality: UPLOAD_JPEG_QUALITY }),
          );
    const back = resamplePlane(stored, size.width, size.height, width, height);
    const fx = width / size.width;
    const fy = height / size.height;
    const moved = photo.objects.map((o) => ({
      ...o,
      box: [o.box[0] * fx, o.box[1] * fy, o.box[2] * fx, o.box[3] * fy] as Box,
      ...(o.mask ? { mask: maskBack(o.mask, size, { width, height }) } : {}),
    }));
    return { pixels: normalizeScene(back, width, height), objects: moved };
  };
}

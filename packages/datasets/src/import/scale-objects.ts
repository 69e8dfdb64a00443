import type { StoredObject } from '@ocellus/contracts';
import { resamplePlane } from '@ocellus/vision/image';
import { decodeMask, encodeMask } from '@ocellus/vision/rle';

/** A binary mask resized to `height x width` (area average or bilinear, then thresholded at one half). */
export function resizeMask(mask: StoredObject['mask'], height: number, width: number): StoredObject['mask'] {
  const [h, w] = mask.size;
  if (h === height && w === width) return mask;
  const plane = Float32Array.from(decodeMask({ size: [h, w], counts: mask.counts }));
  const resized = resamplePlane(plane, w, h, width, height);
  return encodeMask(
    resized.map((v) => (v >= 0.5 ? 1 : 0)),
    height,
    width,
  );
}

/** Objects annotated on a `from` sized image, moved onto the same image stored at `to`. */
export function scaleObjects(
  objects: readonly StoredObject[],
  from: { width: number; height: number },
  to: { width: number; height: number },
): StoredObject[] {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return objects.map((o) => ({
    label: o.label,
    box: [o.box[0] * sx, o.box[1] * sy, o.box[2] * sx, o.box[3] * sy],
    mask: resizeMask(o.mask, to.height, to.width),
    crowd: o.crowd,
  }));
}

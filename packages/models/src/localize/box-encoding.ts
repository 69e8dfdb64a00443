import type { Box } from '@ocellus/contracts';

/**
 * A box as the localizer regresses it: centre and size as fractions of the input,
 * `[cx / W, cy / H, w / W, h / H]`, so one loss weight suits every input size.
 */
export function encodeBox(
  box: Readonly<Box>,
  width: number,
  height: number,
  out: Float32Array,
  at = 0,
): void {
  const [x1, y1, x2, y2] = box;
  out[at] = (x1 + x2) / 2 / width;
  out[at + 1] = (y1 + y2) / 2 / height;
  out[at + 2] = (x2 - x1) / width;
  out[at + 3] = (y2 - y1) / height;
}

/** The inverse of `encodeBox`, clipped to the `width x height` input (a negative size collapses to a point). */
export function decodeBox(code: ArrayLike<number>, width: number, height: number, at = 0): Box {
  const cx = code[at]! * width;
  const cy = code[at + 1]! * height;
  const w = Math.max(code[at + 2]! * width, 0);
  const h = Math.max(code[at + 3]! * height, 0);
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [
    clip(cx - w / 2, width),
    clip(cy - h / 2, height),
    clip(cx + w / 2, width),
    clip(cy + h / 2, height),
  ];
}

/**
 * Where a model input came from: model-input pixel `(x, y)` (continuous, edges at integers) is upload
 * pixel `(offsetX + scaleX * x, offsetY + scaleY * y)`. `width x height` is the upload as the user sees
 * it (after EXIF orientation, before any shrinking for decoding).
 */
export interface InputGeometry {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
}

/** `[x1, y1, x2, y2]`, continuous pixel coordinates (torchvision's convention). */
export type BoxTuple = [number, number, number, number];

/** The map of a plain resize of a `from` frame to a `to` frame (edges at integers map linearly). */
export function resizeGeometry(
  from: { width: number; height: number },
  to: { width: number; height: number },
): InputGeometry {
  return {
    scaleX: from.width / to.width,
    scaleY: from.height / to.height,
    offsetX: 0,
    offsetY: 0,
    width: from.width,
    height: from.height,
  };
}

/** `outer` after `inner`: `inner` maps model input to an intermediate frame that `outer` maps to the upload. */
export function composeGeometry(outer: InputGeometry, inner: InputGeometry): InputGeometry {
  return {
    scaleX: outer.scaleX * inner.scaleX,
    scaleY: outer.scaleY * inner.scaleY,
    offsetX: outer.offsetX + outer.scaleX * inner.offsetX,
    offsetY: outer.offsetY + outer.scaleY * inner.offsetY,
    width: outer.width,
    height: outer.height,
  };
}

const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));

/** A box in model-input pixels as a box in upload pixels, clipped to the upload. */
export function toUploadBox(box: readonly number[], g: InputGeometry): BoxTuple {
  return [
    clip(g.offsetX + g.scaleX * box[0]!, g.width),
    clip(g.offsetY + g.scaleY * box[1]!, g.height),
    clip(g.offsetX + g.scaleX * box[2]!, g.width),
    clip(g.offsetY + g.scaleY * box[3]!, g.height),
  ];
}

import type { BoxTuple } from '../image/geometry.js';
import { resamplePlane } from '../image/resample.js';

/** An object on a canvas: its box in continuous pixels and, optionally, its `height x width` mask. */
export interface CanvasObject {
  box: BoxTuple;
  mask?: Uint8Array;
}

/**
 * A canvas-to-canvas map without rotation: source point `(x, y)` (continuous, edges at integers) lands on
 * `(scaleX x + offsetX, scaleY y + offsetY)` of a `width x height` canvas. Offsets are whole pixels, so a
 * transform is one resize (`resamplePlane`: area average shrinking, bilinear growing) and one shift; make
 * it with `canvasTransform` so the resized size is whole.
 */
export interface CanvasTransform {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
  width: number;
  height: number;
}

/** The transform of a `from` canvas resized to `width x height`, then shifted by whole pixels. */
export function canvasTransform(
  from: { width: number; height: number },
  resized: { width: number; height: number },
  to: { width: number; height: number },
  offset: { x: number; y: number } = { x: 0, y: 0 },
): CanvasTransform {
  return {
    scaleX: resized.width / from.width,
    scaleY: resized.height / from.height,
    offsetX: Math.round(offset.x),
    offsetY: Math.round(offset.y),
    width: to.width,
    height: to.height,
  };
}

/** A plane under the transform; canvas the source does not reach is `fill`. */
export function transformPlane(
  plane: Float32Array,
  width: number,
  height: number,
  t: CanvasTransform,
  fill = 0,
): Float32Array {
  const rw = Math.round(t.scaleX * width);
  const rh = Math.round(t.scaleY * height);
  const resized = rw === width && rh === height ? plane : resamplePlane(plane, width, height, rw, rh);
  const out = new Float32Array(t.width * t.height).fill(fill);
  const x0 = Math.max(0, t.offsetX);
  const x1 = Math.min(t.width, t.offsetX + rw);
  if (x1 <= x0) return out;
  for (let y = Math.max(0, t.offsetY); y < Math.min(t.height, t.offsetY + rh); y++) {
    const row = (y - t.offsetY) * rw - t.offsetX;
    out.set(resized.subarray(row + x0, row + x1), y * t.width + x0);
  }
  return out;
}

/** A mask under the transform: resized as grey levels, kept where more than half covered. */
export function transformMask(
  mask: Uint8Array,
  width: number,
  height: number,
  t: CanvasTransform,
): Uint8Array {
  const plane = transformPlane(Float32Array.from(mask), width, height, t);
  return Uint8Array.from(plane, (v) => (v > 0.5 ? 1 : 0));
}

/** A box under the transform, not clipped. */
export function transformBox(box: readonly number[], t: CanvasTransform): BoxTuple {
  return [
    t.scaleX * box[0]! + t.offsetX,
    t.scaleY * box[1]! + t.offsetY,
    t.scaleX * box[2]! + t.offsetX,
    t.scaleY * box[3]! + t.offsetY,
  ];
}

const boxArea = (b: BoxTuple) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/**
 * Objects under the transform, as torchvision's v2 `ClampBoundingBoxes` then `SanitizeBoundingBoxes`: each
 * box is clipped to the canvas, and an object is dropped when less than `minVisible` of its transformed
 * box's area is left on the canvas. Masks follow (`transformMask`); other fields are kept as they are.
 */
export function transformObjects<O extends CanvasObject>(
  objects: readonly O[],
  width: number,
  height: number,
  t: CanvasTransform,
  minVisible = 0.5,
): O[] {
  const kept: O[] = [];
  for (const object of objects) {
    const moved = transformBox(object.box, t);
    const box: BoxTuple = [
      Math.min(t.width, Math.max(0, moved[0])),
      Math.min(t.height, Math.max(0, moved[1])),
      Math.min(t.width, Math.max(0, moved[2])),
      Math.min(t.height, Math.max(0, moved[3])),
    ];
    const area = boxArea(box);
    if (area === 0 || area < minVisible * boxArea(moved)) continue;
    kept.push(
      object.mask
        ? { ...object, box, mask: transformMask(object.mask, width, height, t) }
        : { ...object, box },
    );
  }
  return kept;
}

export type Box = [number, number, number, number];

/** A black canvas with a white filled rectangle, and its mask, at each (whole-pixel) box. */
export function rectangles(width: number, height: number, boxes: Box[]) {
  const pixels = new Float32Array(width * height);
  const objects = boxes.map((box, index) => {
    const mask = new Uint8Array(width * height);
    for (let y = box[1]; y < box[3]; y++) {
      for (let x = box[0]; x < box[2]; x++) mask[y * width + x] = pixels[y * width + x] = 1;
    }
    return { index, box, mask };
  });
  return { pixels, width, height, objects };
}

/** Extent `[min col, min row, max col + 1, max row + 1]` of the pixels where `on` holds inside a window. */
export function extent(
  width: number,
  height: number,
  window: readonly number[],
  on: (i: number) => boolean,
): Box {
  const found: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = Math.max(0, Math.floor(window[1]!)); y < Math.min(height, Math.ceil(window[3]!)); y++) {
    for (let x = Math.max(0, Math.floor(window[0]!)); x < Math.min(width, Math.ceil(window[2]!)); x++) {
      if (!on(y * width + x)) continue;
      found[0] = Math.min(found[0], x);
      found[1] = Math.min(found[1], y);
      found[2] = Math.max(found[2], x + 1);
      found[3] = Math.max(found[3], y + 1);
    }
  }
  return found;
}

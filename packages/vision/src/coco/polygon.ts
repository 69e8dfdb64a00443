/**
 * Fills polygons (flat `[x1, y1, x2, y2, ...]` in pixel coordinates) on a row-major `height x width`
 * mask: a pixel is inside when its centre is, by the even-odd rule, for any of the polygons. This
 * samples centres; pycocotools rasterises an upsampled outline, so edge pixels may differ.
 */
export function rasterisePolygons(
  polygons: readonly (readonly number[])[],
  height: number,
  width: number,
): Uint8Array {
  const mask = new Uint8Array(height * width);
  for (const points of polygons) {
    const n = points.length / 2;
    for (let y = 0; y < height; y++) {
      const cy = y + 0.5;
      const crossings: number[] = [];
      for (let i = 0; i < n; i++) {
        const [x0, y0] = [points[2 * i]!, points[2 * i + 1]!];
        const j = (i + 1) % n;
        const [x1, y1] = [points[2 * j]!, points[2 * j + 1]!];
        if (y0 <= cy !== y1 <= cy) crossings.push(x0 + ((cy - y0) / (y1 - y0)) * (x1 - x0));
      }
      crossings.sort((a, b) => a - b);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const from = Math.max(0, Math.ceil(crossings[k]! - 0.5));
        const to = Math.min(width - 1, Math.ceil(crossings[k + 1]! - 0.5) - 1);
        for (let x = from; x <= to; x++) mask[y * width + x] = 1;
      }
    }
  }
  return mask;
}

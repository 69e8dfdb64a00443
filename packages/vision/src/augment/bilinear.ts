/** Source coordinate of an output pixel centre, half-pixel aligned (PyTorch `align_corners=False`). */
function sourceIndex(dst: number, scale: number): number {
  return Math.max(0, (dst + 0.5) * scale - 0.5);
}

/**
 * Resizes the window [top, top + height) x [left, left + width) of one `h x w` plane to `oh x ow`
 * by bilinear interpolation, as `F.interpolate(mode='bilinear', align_corners=False)` on the crop.
 */
export function resizeBilinear(
  src: Float32Array,
  srcOffset: number,
  w: number,
  window: { top: number; left: number; height: number; width: number },
  out: Float32Array,
  outOffset: number,
  oh: number,
  ow: number,
): void {
  const { top, left, height, width } = window;
  const scaleY = height / oh;
  const scaleX = width / ow;
  for (let y = 0; y < oh; y++) {
    const sy = sourceIndex(y, scaleY);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    const row0 = srcOffset + (top + y0) * w + left;
    const row1 = srcOffset + (top + y1) * w + left;
    for (let x = 0; x < ow; x++) {
      const sx = sourceIndex(x, scaleX);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const upper = src[row0 + x0]! * (1 - fx) + src[row0 + x1]! * fx;
      const lower = src[row1 + x0]! * (1 - fx) + src[row1 + x1]! * fx;
      out[outOffset + y * ow + x] = upper * (1 - fy) + lower * fy;
    }
  }
}

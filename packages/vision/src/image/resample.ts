/** One output sample along an axis: source indices `start..start+weights.length-1` and their weights. */
interface Tap {
  start: number;
  weights: Float32Array;
}

/** Area-average weights when shrinking (exact pixel coverage), bilinear with half-pixel centres when growing. */
function axisTaps(src: number, dst: number): Tap[] {
  const taps: Tap[] = [];
  const scale = src / dst;
  for (let o = 0; o < dst; o++) {
    if (scale > 1) {
      const lo = o * scale;
      const hi = lo + scale;
      const start = Math.floor(lo);
      const end = Math.min(src, Math.ceil(hi));
      const weights = new Float32Array(end - start);
      for (let i = start; i < end; i++) weights[i - start] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
      taps.push({ start, weights });
    } else {
      const centre = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), src - 1);
      const start = Math.min(Math.floor(centre), Math.max(src - 2, 0));
      const frac = centre - start;
      taps.push(
        src === 1
          ? { start: 0, weights: Float32Array.of(1) }
          : { start, weights: Float32Array.of(1 - frac, frac) },
      );
    }
  }
  return taps;
}

/** Resizes one float plane (row-major `height x width`) to `outHeight x outWidth`, separably. */
export function resamplePlane(
  plane: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  const xTaps = axisTaps(width, outWidth);
  const yTaps = axisTaps(height, outHeight);
  const rows = new Float32Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < outWidth; x++) {
      const { start, weights } = xTaps[x]!;
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * plane[row + start + k]!;
      rows[y * outWidth + x] = sum;
    }
  }
  const out = new Float32Array(outHeight * outWidth);
  for (let y = 0; y < outHeight; y++) {
    const { start, weights } = yTaps[y]!;
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k]!;
      const row = (start + k) * outWidth;
      for (let x = 0; x < outWidth; x++) {
        const i = y * outWidth + x;
        out[i] = out[i]! + w * rows[row + x]!;
      }
    }
  }
  return out;
}

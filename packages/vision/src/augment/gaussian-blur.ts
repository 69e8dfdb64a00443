/** Normalised 1-D Gaussian taps out to 3 sigma. */
function gaussianTaps(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += taps[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < taps.length; i++) taps[i] = taps[i]! / sum;
  return taps;
}

/** Separable Gaussian blur of one row-major plane, edges replicated; `sigma <= 0` returns a copy. */
export function gaussianBlur(
  plane: Float32Array,
  width: number,
  height: number,
  sigma: number,
): Float32Array {
  if (!(sigma > 0)) return plane.slice();
  const taps = gaussianTaps(sigma);
  const radius = (taps.length - 1) / 2;
  const rows = new Float32Array(plane.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        sum += taps[k + radius]! * plane[y * width + Math.min(width - 1, Math.max(0, x + k))]!;
      }
      rows[y * width + x] = sum;
    }
  }
  const out = new Float32Array(plane.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        sum += taps[k + radius]! * rows[Math.min(height - 1, Math.max(0, y + k)) * width + x]!;
      }
      out[y * width + x] = sum;
    }
  }
  return out;
}

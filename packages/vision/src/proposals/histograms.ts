import type { Segmentation } from './felzenszwalb.js';
import type { ImagePlanes } from './planes.js';

/** Uijlings et al. 2013, "Diversification Strategies": 25 bins a colour channel. */
export const COLOUR_BINS = 25;

/**
 * The colour histogram of every segment (Uijlings et al. 2013): 25 bins of 0..1 per channel,
 * `channels * 25` values a segment, L1-normalised over all of them; `count x (channels * 25)`
 * row-major. `sizes` are the segments' pixel counts.
 */
export function colourHistograms(
  segmentation: Segmentation,
  image: ImagePlanes,
  sizes: Int32Array,
): Float32Array {
  const { labels, count } = segmentation;
  const { pixels, channels } = image;
  const n = labels.length;
  const length = channels * COLOUR_BINS;
  const histograms = new Float32Array(count * length);
  for (let c = 0; c < channels; c++) {
    const offset = c * n;
    for (let p = 0; p < n; p++) {
      const bin = Math.min(COLOUR_BINS - 1, Math.max(0, Math.floor(pixels[offset + p]! * COLOUR_BINS)));
      histograms[labels[p]! * length + c * COLOUR_BINS + bin]! += 1;
    }
  }
  for (let r = 0; r < count; r++) {
    const total = sizes[r]! * channels;
    for (let i = r * length; i < (r + 1) * length; i++) histograms[i] = histograms[i]! / total;
  }
  return histograms;
}

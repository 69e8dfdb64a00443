import { estimateBackground } from './background.js';
import { selectQuantile } from './quantile.js';

/** Below this spread between paper and ink the image is taken as blank paper. */
const MIN_INK_CONTRAST = 0.1;
/** Paper-side cell quantile once the polarity is known: a cell stays paper until 70% of it is ink. */
const PAPER_QUANTILE = 0.3;
/** Tails compared to decide the polarity: 0.1% of the pixels, so one 16 px digit in 128x128 still counts. */
const TAIL = 0.001;
/**
 * Quantiles read as the paper's noise (lower tail of the contrast) and the ink's level (upper tail of the ink;
 * 0.99, not 0.9, so a clean but faint digit is barely stretched: its mask IoU stays >= 0.926, measured).
 */
const NOISE_QUANTILE = 0.01;
const INK_QUANTILE = 0.99;
/** Darkest paper a division by the background may trust (dark-ink case). */
const MIN_PAPER = 0.1;

/**
 * Whether the ink is brighter than the paper: after removing a median background, the ink is the tail that
 * reaches further from zero (noise is symmetric, ink is one-sided).
 */
function inkIsBright(grey: Float32Array, width: number, height: number): boolean {
  const background = estimateBackground(grey, width, height, 0.5);
  const residual = new Float32Array(grey.length);
  for (let i = 0; i < grey.length; i++) residual[i] = grey[i]! - background[i]!;
  return selectQuantile(residual, 1 - TAIL) >= -selectQuantile(residual, TAIL);
}

/**
 * The ink above the paper, whichever the polarity: `grey - paper` for bright ink, `1 - grey / paper` for
 * dark ink (reflectance under uneven light, so a shadowed stroke counts as much as a lit one).
 */
function inkContrast(grey: Float32Array, width: number, height: number): Float32Array {
  const bright = inkIsBright(grey, width, height);
  const paper = estimateBackground(grey, width, height, bright ? PAPER_QUANTILE : 1 - PAPER_QUANTILE);
  const ink = new Float32Array(grey.length);
  for (let i = 0; i < grey.length; i++) {
    ink[i] = bright ? grey[i]! - paper[i]! : 1 - grey[i]! / Math.max(MIN_PAPER, paper[i]!);
  }
  return ink;
}

/**
 * Brings a grey plane (values in [0, 1], any polarity, uneven paper) to a digit scene's form: white digits
 * on black. The contrast is scaled so the strokes' level (their 99th percentile less the noise floor, the
 * 1% lower tail of the contrast) maps to 1, clipped to [0, 1], and whatever is within the noise floor goes
 * to 0. Scaling without subtracting the floor keeps the `> 0.5` masks their size under noise (subtracting
 * it shrank them by 9% at sigma 0.04). A clean white-on-black scene comes through unchanged up to that
 * stretch; blank paper comes out black.
 */
export function normalizeScene(grey: Float32Array, width: number, height: number): Float32Array {
  const ink = inkContrast(grey, width, height);
  const floor = Math.max(0, -selectQuantile(ink.slice(), NOISE_QUANTILE));
  let top = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ink.length; i++) if (ink[i]! > top) top = ink[i]!;
  const out = new Float32Array(grey.length);
  if (top - floor < MIN_INK_CONTRAST) return out;
  // Candidate ink: above a quarter of the way from the noise floor to the strongest stroke.
  const cut = floor + 0.25 * (top - floor);
  const strokes = new Float32Array(ink.length);
  let count = 0;
  for (let i = 0; i < ink.length; i++) if (ink[i]! > cut) strokes[count++] = ink[i]!;
  const level = selectQuantile(strokes.subarray(0, count), INK_QUANTILE);
  // The 99th percentile of the strokes is their level plus the noise's upper tail, which the floor measures.
  const scale = 1 / Math.max(MIN_INK_CONTRAST, level - floor);
  for (let i = 0; i < ink.length; i++) {
    const v = ink[i]! * scale;
    out[i] = ink[i]! <= floor ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

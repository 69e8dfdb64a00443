import type { CanvasSize } from './canvas.js';
import type { DigitSplit } from './digit-pool.js';

/** What fixes a generated set: the same options give the same images, objects and captions. */
export interface DigitSetOptions {
  /** `train` for training and validation sets, `test` for evaluation sets. */
  split: DigitSplit;
  count: number;
  seed: number;
  /** The canvas; it must hold the largest digit (40 px). */
  size?: CanvasSize;
  /** MNIST indices to draw digits from, all inside `split` (default: the whole split). */
  pool?: Int32Array;
}

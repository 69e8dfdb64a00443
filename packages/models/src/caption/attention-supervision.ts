import type { Box } from '@ocellus/contracts';
import { add, div, log, mul, sum, Tensor } from '@ocellus/tensor';
import type { CaptionTargets } from './caption-dataset.js';

/** Where the attention grid lies: `rows x cols` cells evenly over a `width x height` image. */
export interface CellGrid {
  rows: number;
  cols: number;
  width: number;
  height: number;
}

/** Keeps log finite where a softmax weight underflowed to 0. */
const LOG_FLOOR = 1e-8;

/** The length of [a0, a1] and [b0, b1]'s overlap. */
const overlap = (a0: number, a1: number, b0: number, b1: number) =>
  Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/** Each cell's share of `box`'s area on the grid (row-major, summing to 1); null when the box misses the image. */
export function cellShares(box: Box, grid: CellGrid): Float32Array | null {
  const { rows, cols, width, height } = grid;
  const [cw, ch] = [width / cols, height / rows];
  const shares = new Float32Array(rows * cols);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const dy = overlap(box[1], box[3], r * ch, (r + 1) * ch);
    if (dy === 0) continue;
    for (let c = 0; c < cols; c++) {
      const area = dy * overlap(box[0], box[2], c * cw, (c + 1) * cw);
      shares[r * cols + c] = area;
      total += area;
    }
  }
  if (total === 0) return null;
  for (let i = 0; i < shares.length; i++) shares[i]! /= total;
  return shares;
}

/**
 * The attention targets of a teacher-forced batch, `[N, steps, cells]`: step t of caption n (which
 * predicts its word t) should attend where that word's region lies, as `cellShares`. Steps past the
 * words (`<end>`, padding) and words whose region misses the image are all zeros: nothing is asked of them.
 * `supervised` counts the steps that have a target.
 */
export function attentionTargets(
  regions: readonly (readonly Box[])[],
  steps: number,
  grid: CellGrid,
): { targets: Tensor; supervised: number } {
  const cells = grid.rows * grid.cols;
  const targets = new Float32Array(regions.length * steps * cells);
  let supervised = 0;
  regions.forEach((boxes, n) => {
    if (boxes.length >= steps)
      throw new RangeError(`caption ${n} has ${boxes.length} regions for ${steps - 1} words`);
    boxes.forEach((box, t) => {
      const shares = cellShares(box, grid);
      if (!shares) return;
      targets.set(shares, (n * steps + t) * cells);
      supervised++;
    });
  });
  return { targets: new Tensor(targets, [regions.length, steps, cells]), supervised };
}

/**
 * The supervision loss: the cross-entropy `-sum_i q_ti log alpha_ti` of the attention `alpha`
 * `[N, steps, cells]` against the targets `q` of `attentionTargets`, averaged over the supervised steps
 * (0 when none is).
 */
export function attentionSupervisionLoss(alpha: Tensor, targets: Tensor, supervised: number): Tensor {
  const crossEntropy = mul(sum(mul(targets, log(add(alpha, LOG_FLOOR)))), -1);
  return div(crossEntropy, Math.max(1, supervised));
}

/** A batch's word boxes for supervision; an error when its dataset does not say where each word lies. */
export function wordRegions(batch: CaptionTargets): Box[][] {
  return batch.captions.map((tokens, i) => {
    const regions = batch.regions[i];
    if (regions?.length !== tokens.length) {
      throw new RangeError(
        'attentionSupervision, cellSupervision and a glimpse need the box of every caption word, which this ' +
          'dataset does not give (digit-scenes does)',
      );
    }
    return regions;
  });
}

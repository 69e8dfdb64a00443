import type { Box } from '@ocellus/contracts';
import { softmaxCrossEntropy } from '@ocellus/nn/losses';
import { div, mul, square, sub, sum, Tensor } from '@ocellus/tensor';
import { attentionSupervisionLoss, attentionTargets, type CellGrid } from './attention-supervision.js';
import { cellSupervisionLoss, cellTargets } from './cell-supervision.js';
import { glimpseBoxLoss, glimpseTargets, refineTargets } from './glimpse-targets.js';
import type { TeacherForced } from './teacher-forced.js';

/**
 * Show, Attend and Tell 4.2.1's doubly stochastic penalty, `sum_i (1 - sum_t alpha_ti)^2` over the
 * cells i and a caption's steps t (its padding left out), averaged over the captions: every cell is
 * asked to get about as much attention over the whole caption.
 */
export function doublyStochastic(alpha: Tensor, mask: Float32Array): Tensor {
  const [n, steps] = alpha.shape as [number, number, number];
  const attended = sum(mul(alpha, new Tensor(mask, [n, steps, 1])), 1);
  return div(sum(square(sub(1, attended))), n);
}

/** Supervised attention or reading: its weight, each caption's words and their boxes, and the grid of cells. */
export interface CellSupervision {
  weight: number;
  captions: readonly Int32Array[];
  regions: readonly (readonly Box[])[];
  grid: CellGrid;
}

/** What the captioner's losses ask beyond the words: the penalty's weight, and the supervisions it trains with. */
export interface CaptionLossOptions {
  penalty: number;
  attention?: CellSupervision | undefined;
  reading?: CellSupervision | undefined;
  glimpse?: CellSupervision | undefined;
  /** The weight of the glimpse namer's cross-entropy on the words read at their true boxes. */
  glimpseNames?: number | undefined;
}

/**
 * The captioner's named losses: `words`, the cross-entropy of each true next word (and `<end>`)
 * averaged over the tokens of the batch; `attention`, the doubly stochastic penalty times its weight;
 * with `options.attention`, `attentionTarget`, the supervision loss of attention-supervision.ts times its
 * weight; with `options.reading`, `cells`, the reading loss of cell-supervision.ts times its weight; with
 * `options.glimpse`, `glimpseBox`, the glimpse's box loss (glimpse-targets.ts) times its weight, and with a
 * refinement `glimpseRefine`, the same loss of its outputs towards the word's box from the first read; with
 * `options.glimpseNames` and a training batch's namer scores, `glimpseName`, their cross-entropy on the words
 * read at a true box, times that weight.
 */
export function captionLosses(
  out: TeacherForced,
  pad: number,
  options: CaptionLossOptions,
): Record<string, Tensor> {
  const losses: Record<string, Tensor> = {
    words: softmaxCrossEntropy(out.logits, out.forcing.targets, { ignoreIndex: pad }),
  };
  const { reading } = options;
  if (reading && reading.weight > 0 && out.readout) {
    const targets = cellTargets(reading.captions, reading.regions, reading.grid, pad);
    losses.cells = mul(cellSupervisionLoss(out.readout, targets), reading.weight);
  }
  const { glimpse } = options;
  if (glimpse && glimpse.weight > 0 && out.glimpse) {
    const targets = glimpseTargets(glimpse.regions, out.forcing.steps, out.glimpse.anchors, glimpse.grid);
    const box = glimpseBoxLoss(out.glimpse.raw, targets);
    if (box) losses.glimpseBox = mul(box, glimpse.weight);
    const { refined } = out.glimpse;
    const refine =
      refined &&
      glimpseBoxLoss(refined.raw, refineTargets(glimpse.regions, out.forcing.steps, refined.places));
    if (refine) losses.glimpseRefine = mul(refine, glimpse.weight);
  }
  const named = out.glimpse?.named;
  if (options.glimpseNames && options.glimpseNames > 0 && named?.truthRows.includes(1)) {
    const labels = out.forcing.targets.map((word, row) => (named.truthRows[row] ? word : pad));
    losses.glimpseName = mul(
      softmaxCrossEntropy(named.scores, labels, { ignoreIndex: pad }),
      options.glimpseNames,
    );
  }
  if (!out.alpha) return losses;
  if (options.penalty > 0)
    losses.attention = mul(doublyStochastic(out.alpha, out.forcing.mask), options.penalty);
  const supervision = options.attention;
  if (supervision && supervision.weight > 0) {
    const { targets, supervised } = attentionTargets(
      supervision.regions,
      out.forcing.steps,
      supervision.grid,
    );
    losses.attentionTarget = mul(
      attentionSupervisionLoss(out.alpha, targets, supervised),
      supervision.weight,
    );
  }
  return losses;
}

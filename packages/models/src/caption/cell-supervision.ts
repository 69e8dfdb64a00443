import type { Box } from '@ocellus/contracts';
import { smoothL1Loss, softmaxCrossEntropy } from '@ocellus/nn/losses';
import { add, reshape, slice, type Tensor, tensor } from '@ocellus/tensor';
import type { CellGrid } from './attention-supervision.js';

/** A cell's label when two boxes hold its centre: the loss leaves it out. */
export const AMBIGUOUS_CELL = -1;

/** What the reader gives per cell besides its word scores: where that word's box centre lies, x then y. */
export const PLACE_CHANNELS = 2;

/**
 * Each cell's reading targets, row-major by image: `labels [N * cells]`, the token of the caption word
 * whose box holds the cell's centre, `none` where no box does, `AMBIGUOUS_CELL` where two or more do; and
 * for the cells one box holds, `places [N * cells, 2]`, that box's centre less the cell's, in cells
 * (`placed`, of the same layout, is 1 on them and 0 elsewhere).
 */
export interface CellTargets {
  labels: Int32Array;
  places: Float32Array;
  placed: Float32Array;
}

export function cellTargets(
  captions: readonly Int32Array[],
  regions: readonly (readonly Box[])[],
  grid: CellGrid,
  none: number,
): CellTargets {
  const { rows, cols, width, height } = grid;
  const [cw, ch] = [width / cols, height / rows];
  const cells = rows * cols;
  const labels = new Int32Array(captions.length * cells).fill(none);
  const places = new Float32Array(captions.length * cells * PLACE_CHANNELS);
  const placed = new Float32Array(places.length);
  captions.forEach((words, n) => {
    const boxes = regions[n]!;
    if (boxes.length !== words.length) {
      throw new RangeError(`caption ${n} has ${words.length} words and ${boxes.length} regions`);
    }
    for (let r = 0; r < rows; r++) {
      const y = (r + 0.5) * ch;
      for (let c = 0; c < cols; c++) {
        const x = (c + 0.5) * cw;
        const holding = boxes.flatMap((b, w) => (x >= b[0] && x < b[2] && y >= b[1] && y < b[3] ? [w] : []));
        const cell = n * cells + r * cols + c;
        if (holding.length > 1) labels[cell] = AMBIGUOUS_CELL;
        if (holding.length !== 1) continue;
        const w = holding[0]!;
        const box = boxes[w]!;
        labels[cell] = words[w]!;
        places[cell * PLACE_CHANNELS] = ((box[0] + box[2]) / 2 - x) / cw;
        places[cell * PLACE_CHANNELS + 1] = ((box[1] + box[3]) / 2 - y) / ch;
        placed.fill(1, cell * PLACE_CHANNELS, (cell + 1) * PLACE_CHANNELS);
      }
    }
  });
  return { labels, places, placed };
}

/**
 * The reading loss of the reader's output `[N, cells, V + 2]`: the cross-entropy of each cell's word
 * scores against its label, averaged over the labelled cells, plus the smooth L1 (beta 1) of the placed
 * cells' box centres, averaged over them (nothing when no cell is placed).
 */
export function cellSupervisionLoss(readout: Tensor, targets: CellTargets): Tensor {
  const [n, cells, width] = readout.shape as [number, number, number];
  const vocabulary = width - PLACE_CHANNELS;
  const flat = reshape(readout, [n * cells, width]);
  const words = softmaxCrossEntropy(slice(flat, [null, [0, vocabulary]]), targets.labels, {
    ignoreIndex: AMBIGUOUS_CELL,
  });
  if (!targets.placed.some((p) => p > 0)) return words;
  const places = smoothL1Loss(
    slice(flat, [null, [vocabulary, width]]),
    tensor(targets.places, [n * cells, PLACE_CHANNELS], { dtype: readout.dtype }),
    { weights: tensor(targets.placed, [n * cells, PLACE_CHANNELS], { dtype: readout.dtype }) },
  );
  return add(words, places);
}

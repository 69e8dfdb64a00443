import { Tensor } from '@ocellus/tensor';

/** The cells of the backbone's output map, `rows x cols`, each covering an equal share of the input. */
export interface Grid {
  rows: number;
  cols: number;
}

/**
 * What the dense box head learns from one batch of box codes (`encodeBox`, `[cx, cy, w, h]` as fractions
 * of the input): the cell holding each box's centre (the centre head's class over the cells), and at
 * every cell of the 3x3 block around it that box as that cell encodes it (`[cx - px, cy - py, w, h]`,
 * `(px, py)` the cell's centre), weighted 1 there and 0 elsewhere.
 */
export interface GridTargets {
  centres: Int32Array;
  boxes: Tensor;
  weights: Tensor;
}

function cellCentre(index: number, count: number): number {
  return (index + 0.5) / count;
}

function cellOf(fraction: number, count: number): number {
  return Math.min(Math.max(Math.floor(fraction * count), 0), count - 1);
}

export function gridTargets(codes: Tensor, grid: Grid): GridTargets {
  const { rows, cols } = grid;
  const n = codes.shape[0]!;
  const values = codes.values();
  const plane = rows * cols;
  const centres = new Int32Array(n);
  const boxes = new Float32Array(n * 4 * plane);
  const weights = new Float32Array(n * 4 * plane);
  for (let i = 0; i < n; i++) {
    const [cx, cy, w, h] = [values[4 * i]!, values[4 * i + 1]!, values[4 * i + 2]!, values[4 * i + 3]!];
    const row = cellOf(cy, rows);
    const col = cellOf(cx, cols);
    centres[i] = row * cols + col;
    for (let r = Math.max(row - 1, 0); r <= Math.min(row + 1, rows - 1); r++) {
      for (let c = Math.max(col - 1, 0); c <= Math.min(col + 1, cols - 1); c++) {
        const code = [cx - cellCentre(c, cols), cy - cellCentre(r, rows), w, h];
        for (let k = 0; k < 4; k++) {
          const at = (i * 4 + k) * plane + r * cols + c;
          boxes[at] = code[k]!;
          weights[at] = 1;
        }
      }
    }
  }
  const shape = [n, 4, rows, cols];
  return { centres, boxes: new Tensor(boxes, shape), weights: new Tensor(weights, shape) };
}

/**
 * Each image's box code (`encodeBox`'s form, [n, 4]) read off the dense head: the boxes that the cell with
 * the highest centre score and its 3x3 neighbours encode, averaged with weights softmax(centre score)
 * over that block. `centre` is [n, rows * cols] logits, `boxes` [n, 4, rows, cols].
 */
export function decodeGrid(centre: Tensor, boxes: Tensor, grid: Grid): Float32Array {
  const { rows, cols } = grid;
  const plane = rows * cols;
  const n = centre.shape[0]!;
  const scores = centre.values();
  const maps = boxes.values();
  const codes = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let p = 1; p < plane; p++) if (scores[i * plane + p]! > scores[i * plane + best]!) best = p;
    const row = Math.floor(best / cols);
    const col = best % cols;
    let total = 0;
    const sum = [0, 0, 0, 0];
    for (let r = Math.max(row - 1, 0); r <= Math.min(row + 1, rows - 1); r++) {
      for (let c = Math.max(col - 1, 0); c <= Math.min(col + 1, cols - 1); c++) {
        const p = r * cols + c;
        const w = Math.exp(scores[i * plane + p]! - scores[i * plane + best]!);
        const at = (k: number) => maps[(i * 4 + k) * plane + p]!;
        const cell = [at(0) + cellCentre(c, cols), at(1) + cellCentre(r, rows), at(2), at(3)];
        for (let k = 0; k < 4; k++) sum[k] = sum[k]! + w * cell[k]!;
        total += w;
      }
    }
    for (let k = 0; k < 4; k++) codes[4 * i + k] = sum[k]! / total;
  }
  return codes;
}

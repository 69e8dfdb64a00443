import { Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { decodeGrid, gridTargets } from '../src/localize/centre-grid.js';

const grid = { rows: 4, cols: 5 };
const plane = grid.rows * grid.cols;

describe('the localizer centre grid', () => {
  it('puts the centre in the cell that holds it and the box on the 3x3 block around it', () => {
    // Centre (0.5, 0.3): column floor(0.5 * 5) = 2, row floor(0.3 * 4) = 1.
    const codes = new Tensor(new Float32Array([0.5, 0.3, 0.2, 0.4, 0.01, 0.99, 0.1, 0.1]), [2, 4]);
    const { centres, boxes, weights } = gridTargets(codes, grid);
    expect(Array.from(centres)).toEqual([1 * 5 + 2, 3 * 5 + 0]);
    expect(boxes.shape).toEqual([2, 4, 4, 5]);
    const w = weights.values();
    const marked = (i: number) =>
      Array.from({ length: plane }, (_, p) => p).filter((p) => w[i * 4 * plane + p] === 1);
    expect(marked(0)).toEqual([1, 2, 3, 6, 7, 8, 11, 12, 13]);
    // In the corner the block is clipped to the grid: rows 2-3, columns 0-1.
    expect(marked(1)).toEqual([10, 11, 15, 16]);
    for (let k = 1; k < 4; k++)
      expect(Array.from(w.subarray(k * plane, (k + 1) * plane))).toEqual(Array.from(w.subarray(0, plane)));
    const b = boxes.values();
    // Cell (row 0, col 1) has its centre at (0.3, 0.125).
    const at = (k: number, p: number) => b[k * plane + p]!;
    expect(at(0, 1)).toBeCloseTo(0.5 - 0.3, 6);
    expect(at(1, 1)).toBeCloseTo(0.3 - 0.125, 6);
    expect(at(2, 1)).toBeCloseTo(0.2, 6);
    expect(at(3, 1)).toBeCloseTo(0.4, 6);
    expect(at(0, 0)).toBe(0);
  });

  it('reads the box at the highest centre score back into the input-fraction code', () => {
    const codes = new Tensor(new Float32Array([0.77, 0.61, 0.25, 0.35]), [1, 4]);
    const targets = gridTargets(codes, grid);
    const centre = new Float32Array(plane).fill(-50);
    centre[targets.centres[0]!] = 0;
    const decoded = decodeGrid(new Tensor(centre, [1, plane]), targets.boxes, grid);
    expect(Array.from(decoded).map((v) => Number(v.toFixed(5)))).toEqual([0.77, 0.61, 0.25, 0.35]);
  });

  it('averages the boxes of the best cell and its neighbours, weighted by softmax of their centre scores', () => {
    const pair = { rows: 1, cols: 2 };
    // Cell 0 (centre x 0.25) says cx 0.25 + 0.1, w 0.2; cell 1 (centre x 0.75) says cx 0.75 - 0.1, w 0.4.
    const boxes = new Tensor(Float32Array.from([0.1, -0.1, 0, 0, 0.2, 0.4, 0.3, 0.5]), [1, 4, 1, 2]);
    const centre = new Tensor(Float32Array.from([0, Math.log(3)]), [1, 2]);
    const [cx, cy, w, h] = Array.from(decodeGrid(centre, boxes, pair));
    expect(cx).toBeCloseTo(0.25 * 0.35 + 0.75 * 0.65, 6);
    expect(cy).toBeCloseTo(0.5, 6);
    expect(w).toBeCloseTo(0.25 * 0.2 + 0.75 * 0.4, 6);
    expect(h).toBeCloseTo(0.25 * 0.3 + 0.75 * 0.5, 6);
  });
});

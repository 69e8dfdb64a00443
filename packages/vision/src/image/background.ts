import { selectQuantile } from './quantile.js';

/** Side of a background cell in pixels: large next to a pen stroke, small next to a lighting gradient. */
export const BACKGROUND_CELL = 16;

/** Per-cell `q`-quantile of a `gx x gy` grid of cells over the plane. */
function cellQuantiles(
  grey: Float32Array,
  width: number,
  height: number,
  gx: number,
  gy: number,
  q: number,
): Float32Array {
  const grid = new Float32Array(gx * gy);
  for (let cy = 0; cy < gy; cy++) {
    const y0 = Math.floor((cy * height) / gy);
    const y1 = Math.floor(((cy + 1) * height) / gy);
    for (let cx = 0; cx < gx; cx++) {
      const x0 = Math.floor((cx * width) / gx);
      const x1 = Math.floor(((cx + 1) * width) / gx);
      const values = new Float32Array((y1 - y0) * (x1 - x0));
      let k = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) values[k++] = grey[y * width + x]!;
      grid[cy * gx + cx] = selectQuantile(values, q);
    }
  }
  return grid;
}

/** 3x3 median over the cell grid (edges replicated): a cell a thick digit fills is outvoted by its neighbours. */
function medianOfNeighbours(grid: Float32Array, gx: number, gy: number): Float32Array {
  const out = new Float32Array(grid.length);
  const window = new Float32Array(9);
  for (let cy = 0; cy < gy; cy++) {
    for (let cx = 0; cx < gx; cx++) {
      let k = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const y = Math.min(gy - 1, Math.max(0, cy + dy));
        for (let dx = -1; dx <= 1; dx++) window[k++] = grid[y * gx + Math.min(gx - 1, Math.max(0, cx + dx))]!;
      }
      out[cy * gx + cx] = window.sort()[4]!;
    }
  }
  return out;
}

/** Per output index along one axis: the two cells around its centre and the weight of the second. */
function axisCells(size: number, cells: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
  const lo = new Int32Array(size);
  const hi = new Int32Array(size);
  const frac = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const c = Math.min(cells - 1, Math.max(0, ((i + 0.5) * cells) / size - 0.5));
    lo[i] = Math.min(Math.floor(c), Math.max(0, cells - 2));
    hi[i] = Math.min(cells - 1, lo[i]! + 1);
    frac[i] = c - lo[i]!;
  }
  return { lo, hi, frac };
}

/** Bilinear interpolation of the cell values, each placed at its cell's centre, back to every pixel. */
function upsampleGrid(
  grid: Float32Array,
  gx: number,
  gy: number,
  width: number,
  height: number,
): Float32Array {
  const out = new Float32Array(width * height);
  const xs = axisCells(width, gx);
  const ys = axisCells(height, gy);
  const upper = new Float32Array(gx);
  for (let y = 0; y < height; y++) {
    const fy = ys.frac[y]!;
    const a = ys.lo[y]! * gx;
    const b = ys.hi[y]! * gx;
    for (let c = 0; c < gx; c++) upper[c] = grid[a + c]! * (1 - fy) + grid[b + c]! * fy;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const fx = xs.frac[x]!;
      out[row + x] = upper[xs.lo[x]!]! * (1 - fx) + upper[xs.hi[x]!]! * fx;
    }
  }
  return out;
}

/**
 * A smooth estimate of the paper under sparse ink: the `q`-quantile of each `BACKGROUND_CELL`-pixel cell,
 * a 3x3 median over the cells, interpolated back bilinearly. `q` leans to the paper's side of the ink
 * (low when the ink is brighter than the paper) so that a cell stays paper until most of it is ink.
 */
export function estimateBackground(
  grey: Float32Array,
  width: number,
  height: number,
  q: number,
): Float32Array {
  const gx = Math.max(1, Math.round(width / BACKGROUND_CELL));
  const gy = Math.max(1, Math.round(height / BACKGROUND_CELL));
  const cells = medianOfNeighbours(cellQuantiles(grey, width, height, gx, gy, q), gx, gy);
  return upsampleGrid(cells, gx, gy, width, height);
}

import type { RoiGeometry } from './roi-geometry.js';

export interface RoiSampling {
  /** Sample points per bin along each axis; 0 or less picks ceil(bin size) per RoI, as torchvision. */
  readonly samplingRatio: number;
  /** Shifts the RoI by half a pixel so pixel centres sit at integer + 0.5 (Detectron2's RoIAlignV2). */
  readonly aligned: boolean;
}

/** Bin p of one axis weighs input index i by weight[p * size + i], nonzero only in [start[p], end[p]). */
export interface AxisWeights {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly weight: Float64Array;
}

/**
 * One RoI's bilinear weights. The s x s sample grid of a bin is a product of rows and columns, and
 * so is bilinear interpolation: the bin's average is sum_y rows(y) sum_x cols(x) x[y, x] / count.
 */
export interface RoiAlignWeights {
  readonly rows: AxisWeights;
  readonly cols: AxisWeights;
  /** torchvision's divisor: max(gridH * gridW, 1). */
  count: number;
}

const axisWeights = (bins: number, size: number): AxisWeights => ({
  start: new Int32Array(bins),
  end: new Int32Array(bins),
  weight: new Float64Array(bins * size),
});

/** Scratch for the weights of any RoI over this geometry, allocated once per call. */
export function roiAlignWeights(geo: RoiGeometry): RoiAlignWeights {
  return { rows: axisWeights(geo.oh, geo.h), cols: axisWeights(geo.ow, geo.w), count: 1 };
}

/**
 * Sample i of bin p sits at start + p * bin + (i + 0.5) * bin / grid; torchvision's bilinear border
 * rules: outside [-1, size] it counts as 0, below 0 it is clamped to 0, from size - 1 on it reads size - 1.
 */
function fillAxis(
  axis: AxisWeights,
  roiStart: number,
  bin: number,
  grid: number,
  size: number,
  narrow: (v: number) => number,
): void {
  const { start, end, weight } = axis;
  weight.fill(0);
  for (let p = 0; p < start.length; p++) {
    const origin = narrow(roiStart + narrow(p * bin));
    let first = size;
    let last = 0;
    for (let i = 0; i < grid; i++) {
      let v = narrow(origin + narrow(narrow((i + 0.5) * bin) / grid));
      if (!(v >= -1 && v <= size)) continue;
      if (v <= 0) v = 0;
      let low = Math.trunc(v);
      let high = low + 1;
      if (low >= size - 1) {
        low = high = size - 1;
        v = low;
      }
      const frac = narrow(v - low);
      weight[p * size + low]! += narrow(1 - frac);
      weight[p * size + high]! += frac;
      first = Math.min(first, low);
      last = Math.max(last, high + 1);
    }
    start[p] = first;
    end[p] = last;
  }
}

/** Fills `weights` for RoI r (torchvision roi_align: no rounding of the RoI, adaptive or fixed grid). */
export function fillRoiAlignWeights(
  weights: RoiAlignWeights,
  rois: ArrayLike<number>,
  r: number,
  geo: RoiGeometry,
  { samplingRatio, aligned }: RoiSampling,
  narrow: (v: number) => number,
): void {
  const scale = narrow(geo.spatialScale);
  const offset = aligned ? 0.5 : 0;
  const corner = (j: number) => narrow(narrow(narrow(rois[r * 5 + j]!) * scale) - offset);
  const startW = corner(1);
  const startH = corner(2);
  let roiW = narrow(corner(3) - startW);
  let roiH = narrow(corner(4) - startH);
  if (!aligned) {
    // Malformed RoIs are forced to 1x1.
    roiW = Math.max(roiW, 1);
    roiH = Math.max(roiH, 1);
  }
  const binH = narrow(roiH / geo.oh);
  const binW = narrow(roiW / geo.ow);
  const gridH = samplingRatio > 0 ? samplingRatio : Math.max(Math.ceil(binH), 0);
  const gridW = samplingRatio > 0 ? samplingRatio : Math.max(Math.ceil(binW), 0);
  fillAxis(weights.rows, startH, binH, gridH, geo.h, narrow);
  fillAxis(weights.cols, startW, binW, gridW, geo.w, narrow);
  weights.count = Math.max(gridH * gridW, 1);
}

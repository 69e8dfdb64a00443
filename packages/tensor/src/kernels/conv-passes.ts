import type { Storage } from '../storage.js';
import { MAX_PAGES, PAGE_BYTES } from '../wasm/api.js';
import { type Conv2dGeometry, convGeometryOf } from './conv-geometry.js';
import { directBackwardScratch, directForwardScratch } from './direct-conv2d.js';
import { inputGradPlan } from './direct-input-grad.js';
import { winogradForwardScratch } from './winograd-conv2d.js';
import { type ConvInputGrad, winogradInputGradGeometry } from './winograd-input-grad.js';
import { winogradWeightGradScratch } from './winograd-weight-grad.js';

// The direct path stages a whole batch in the runtime's WebAssembly memory, which stops at 1 GiB. A batch
// whose scratch would pass that (a Mask R-CNN head over thousands of RoIs, a validation batch of large
// images) runs in passes of as many images as fit; a batch that fits runs as one, as it always did.

/** WebAssembly memory one pass may fill with scratch: the runtime's 1 GiB less room for the offset tables. */
export const CONV_PASS_BYTES = MAX_PAGES * PAGE_BYTES - 128 * 2 ** 20;

/** Floats of `sizes` as the runtime lays them out (16-byte aligned, 8 floats of slack each), plus the tables. */
function stagedFloats(geo: Conv2dGeometry, sizes: Record<string, number>): number {
  let floats = 3 * geo.positions;
  for (const size of Object.values(sizes)) floats += Math.ceil(size / 4) * 4 + 8;
  return floats;
}

/** What a forward pass stages: the Winograd or the direct kernel's scratch, with a fused pool or not. */
export const forwardFloats =
  (winograd: boolean, pool: boolean) =>
  (geo: Conv2dGeometry): number =>
    stagedFloats(geo, winograd ? winogradForwardScratch(geo, pool) : directForwardScratch(geo, pool));

/** How a backward pass on the direct path splits its work between the kernels. */
export interface BackwardPlan {
  dx: boolean;
  dw: boolean;
  relu: boolean;
  winogradDx: boolean;
  winogradDw: boolean;
  inputGrad?: Exclude<ConvInputGrad, 'winograd'> | undefined;
}

/** What a backward pass stages at its peak: its kernels run one after another, each in the same scratch. */
export const backwardFloats =
  (plan: BackwardPlan) =>
  (geo: Conv2dGeometry): number => {
    const direct = { dx: plan.dx && !plan.winogradDx, dw: plan.dw && !plan.winogradDw, relu: plan.relu };
    const inputPlan = direct.dx ? inputGradPlan(geo, plan.inputGrad) : 'correlate';
    let floats = stagedFloats(geo, directBackwardScratch(geo, direct, inputPlan));
    if (plan.winogradDx) {
      const transposed = winogradInputGradGeometry(geo);
      floats = Math.max(floats, stagedFloats(transposed, winogradForwardScratch(transposed, false)));
    }
    if (plan.winogradDw) floats = Math.max(floats, stagedFloats(geo, winogradWeightGradScratch(geo)));
    return floats;
  };

/** The same convolution over `n` images of the batch. */
export const withBatch = (geo: Conv2dGeometry, n: number): Conv2dGeometry => convGeometryOf({ ...geo, n });

/**
 * Images per pass so that what a pass stages (`floats`, linear in the batch) stays within `bytes`: the whole
 * batch when it fits, else as many as fit, at least one (whose pass then fails with the runtime's limit).
 */
export function imagesPerPass(
  geo: Conv2dGeometry,
  floats: (geo: Conv2dGeometry) => number,
  bytes = CONV_PASS_BYTES,
): number {
  if (4 * floats(geo) <= bytes) return geo.n;
  const one = floats(withBatch(geo, 1));
  const perImage = floats(withBatch(geo, 2)) - one;
  return Math.max(1, Math.floor((bytes / 4 - (one - perImage)) / perImage));
}

/** Images `first` to `first + count` of a batch stored as planes of `plane` values each (null stays null). */
export const batchPart = <S extends Storage | null>(
  data: S,
  first: number,
  count: number,
  plane: number,
): S => (data === null ? null : data.subarray(first * plane, (first + count) * plane)) as S;

/** Runs `pass` over the batch `perPass` images at a time: the pass's geometry and its first image. */
export function inPasses(
  geo: Conv2dGeometry,
  perPass: number,
  pass: (geo: Conv2dGeometry, first: number) => void,
): void {
  for (let first = 0; first < geo.n; first += perPass)
    pass(withBatch(geo, Math.min(perPass, geo.n - first)), first);
}

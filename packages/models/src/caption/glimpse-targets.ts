import type { Box } from '@ocellus/contracts';
import { smoothL1Loss } from '@ocellus/nn/losses';
import { Tensor } from '@ocellus/tensor';
import type { CellGrid } from './attention-supervision.js';
import { GLIMPSE_BOX_OUTPUTS, unitOf } from './glimpse.js';

/** Box regression targets per step `[N * steps, 3]`, with `weights` 1 on the steps that have a word box. */
export interface BoxTargets {
  targets: Tensor;
  weights: Float32Array;
  supervised: number;
}

/**
 * Targets of a teacher-forced batch: step t of caption n is asked for `encode(word t's box, row)` (its row
 * of `[N * steps]`); `weights` is 1 on those steps, 0 on `<end>`, padding and boxes without area.
 */
export function boxTargets(
  regions: readonly (readonly Box[])[],
  steps: number,
  encode: (centre: [number, number], side: number, row: number) => [number, number, number],
): BoxTargets {
  const targets = new Float32Array(regions.length * steps * GLIMPSE_BOX_OUTPUTS);
  const weights = new Float32Array(regions.length * steps);
  let supervised = 0;
  regions.forEach((boxes, n) => {
    if (boxes.length >= steps)
      throw new RangeError(`caption ${n} has ${boxes.length} regions for ${steps - 1} words`);
    boxes.forEach(([x1, y1, x2, y2], t) => {
      const row = n * steps + t;
      const side = Math.max(x2 - x1, y2 - y1);
      if (!(side > 0)) return;
      targets.set(encode([(x1 + x2) / 2, (y1 + y2) / 2], side, row), row * GLIMPSE_BOX_OUTPUTS);
      weights[row] = 1;
      supervised++;
    });
  });
  return { targets: new Tensor(targets, [regions.length * steps, GLIMPSE_BOX_OUTPUTS]), weights, supervised };
}

/**
 * The box targets of a teacher-forced batch (`boxTargets`): word t's box as the offset of its centre from
 * that step's anchor in units and its longest side's log over two units.
 */
export function glimpseTargets(
  regions: readonly (readonly Box[])[],
  steps: number,
  anchors: Float32Array,
  grid: CellGrid,
): BoxTargets {
  const unit = unitOf(grid);
  return boxTargets(regions, steps, ([x, y], side, row) => [
    (x - anchors[row * 2]!) / unit,
    (y - anchors[row * 2 + 1]!) / unit,
    Math.log(side / (2 * unit)),
  ]);
}

/**
 * The refinement's targets (`boxTargets`): word t's box relative to where step t first read, `places`
 * (`[N * steps * 3]`), as `refinePlaces` moves it: the centre's offset in sides and the log of the side's ratio.
 */
export function refineTargets(
  regions: readonly (readonly Box[])[],
  steps: number,
  places: Float32Array,
): BoxTargets {
  return boxTargets(regions, steps, ([x, y], side, row) => {
    const first = places[row * 3 + 2]!;
    return [(x - places[row * 3]!) / first, (y - places[row * 3 + 1]!) / first, Math.log(side / first)];
  });
}

/** Smooth L1 of box outputs `[N * steps, 3]` against their targets, the mean over the supervised steps' outputs. */
export function glimpseBoxLoss(raw: Tensor, target: BoxTargets): Tensor | null {
  if (target.supervised === 0) return null;
  return smoothL1Loss(raw, target.targets, { weights: target.weights });
}

import type { Box } from '@ocellus/contracts';
import type { Tensor } from '@ocellus/tensor';
import type { SlidingWindowArchitecture } from './architecture.js';
import { framingWindow, labelWindow, type Window } from './framing.js';
import { scanPyramid } from './pyramid.js';
import type { WindowNet } from './window-net.js';

/** Windows the current net scores above this for some object while they frame none are hard negatives. */
const HARD_SCORE = 0.5;

/**
 * Scans `images` [n, C, H, W] with the current net and returns, per image, its most confident false
 * windows (background by the labelling rule), at most `2 x hardNegativesPerImage`, best first.
 */
export function mineHardNegatives(
  net: WindowNet,
  images: Tensor,
  objects: readonly (readonly { box: Box }[])[],
  arch: SlidingWindowArchitecture,
  classes: number,
): Window[][] {
  const { window, sampling } = arch;
  const found = scanPyramid(net, images, {
    size: window.size,
    sides: window.sizes,
    threshold: HARD_SCORE,
    classes,
  });
  return found.map((candidates, i) => {
    const framings = objects[i]!.map(({ box }) => framingWindow(box, window.fill));
    const hard: Window[] = [];
    for (const c of [...candidates].sort((a, b) => b.score - a.score)) {
      if (hard.length >= 2 * sampling.hardNegativesPerImage) break;
      const candidate = {
        x: Math.round(c.x),
        y: Math.round(c.y),
        side: Math.round((c.width + c.height) / 2),
      };
      if (labelWindow(candidate, framings, sampling).kind === 'background') hard.push(candidate);
    }
    return hard;
  });
}

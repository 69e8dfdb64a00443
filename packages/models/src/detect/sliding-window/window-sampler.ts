import type { Box } from '@ocellus/contracts';
import type { Rng } from '@ocellus/tensor';
import type { SlidingWindowArchitecture } from './architecture.js';
import { framingWindow, type LabelRule, labelWindow, type Window } from './framing.js';

/** A training window: its place in the image, and the object it frames (-1 for background). */
export interface SampledWindow {
  window: Window;
  object: number;
}

const TRIES = 10;

/**
 * One image's training windows: `positivesPerObject` jittered framings of each object (scale within
 * e^±0.3, centre within ±25% of the side, kept if the rule still makes them the object's),
 * `negativesPerImage` background windows (half anywhere over the pyramid's sizes, half near misses
 * around objects), and up to `hardNegativesPerImage` of the hard negatives mined for this image.
 */
export function sampleWindows(
  objects: readonly { box: Box }[],
  image: { width: number; height: number },
  arch: SlidingWindowArchitecture,
  rng: Rng,
  hard: readonly Window[] = [],
): SampledWindow[] {
  const { window, sampling } = arch;
  const rule: LabelRule = sampling;
  const framings = objects.map(({ box }) => framingWindow(box, window.fill));
  const out: SampledWindow[] = [];
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  framings.forEach((framing) => {
    for (let k = 0; k < sampling.positivesPerObject; k++) {
      for (let t = 0; t < TRIES; t++) {
        const side = Math.max(2, Math.round(framing.side * Math.exp(uniform(-0.3, 0.3))));
        const cx = framing.x + framing.side / 2 + uniform(-0.25, 0.25) * side;
        const cy = framing.y + framing.side / 2 + uniform(-0.25, 0.25) * side;
        const candidate = { x: Math.round(cx - side / 2), y: Math.round(cy - side / 2), side };
        const label = labelWindow(candidate, framings, rule);
        if (label.kind === 'object') {
          out.push({ window: candidate, object: label.object });
          break;
        }
      }
    }
  });
  const smallest = Math.log(Math.min(...window.sizes));
  const largest = Math.log(Math.max(...window.sizes));
  for (let k = 0; k < sampling.negativesPerImage; k++) {
    // Every other negative is a near miss: an object's framing moved off it by a third to a whole side.
    const near =
      k % 2 === 1 && framings.length > 0 ? framings[Math.floor(rng.uniform() * framings.length)] : undefined;
    for (let t = 0; t < TRIES; t++) {
      const side = near
        ? Math.max(2, Math.round(near.side * Math.exp(uniform(-0.3, 0.3))))
        : Math.round(Math.exp(uniform(smallest, largest)));
      const angle = uniform(0, 2 * Math.PI);
      const reach = uniform(0.33, 1) * side;
      const x = near
        ? Math.round(near.x + (near.side - side) / 2 + reach * Math.cos(angle))
        : Math.round(uniform(-side / 4, image.width - (3 * side) / 4));
      const y = near
        ? Math.round(near.y + (near.side - side) / 2 + reach * Math.sin(angle))
        : Math.round(uniform(-side / 4, image.height - (3 * side) / 4));
      const candidate = { x, y, side };
      if (labelWindow(candidate, framings, rule).kind === 'background') {
        out.push({ window: candidate, object: -1 });
        break;
      }
    }
  }
  const pool = [...hard];
  for (let k = 0; k < sampling.hardNegativesPerImage && pool.length > 0; k++) {
    const [pick] = pool.splice(Math.floor(rng.uniform() * pool.length), 1);
    out.push({ window: pick!, object: -1 });
  }
  return out;
}

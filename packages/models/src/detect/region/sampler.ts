import type { Rng } from '@ocellus/tensor';
import { BACKGROUND } from './matcher.js';

export interface Sampled {
  positives: Int32Array;
  negatives: Int32Array;
}

function pick(candidates: number[], count: number, rng: Rng): Int32Array {
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.uniform() * (candidates.length - i));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  return Int32Array.from(candidates.slice(0, count)).sort();
}

/**
 * torchvision's `BalancedPositiveNegativeSampler`: up to `fraction` of `size` drawn from the matched
 * boxes, the rest from the background ones, each without replacement and seeded; ignored boxes never.
 */
export function sampleBalanced(match: Int32Array, size: number, fraction: number, rng: Rng): Sampled {
  const positives: number[] = [];
  const negatives: number[] = [];
  match.forEach((m, i) => {
    if (m >= 0) positives.push(i);
    else if (m === BACKGROUND) negatives.push(i);
  });
  const p = Math.min(positives.length, Math.floor(size * fraction));
  const n = Math.min(negatives.length, size - p);
  return { positives: pick(positives, p, rng), negatives: pick(negatives, n, rng) };
}

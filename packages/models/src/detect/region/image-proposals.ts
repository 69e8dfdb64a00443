import type { JobSpec } from '@ocellus/contracts';
import type { Tensor } from '@ocellus/tensor';
import { selectiveSearch } from '@ocellus/vision/proposals';
import { UnsupportedArchitectureError } from '../../unsupported.js';

type ProposalSettings = Extract<JobSpec['architecture'], { type: 'fast-rcnn' }>['proposals'];

/** The seed of selective search's ranking: fixed, so an image always gets the same proposals. */
const RANKING_SEED = 0;

/** Refuses a proposal method this build does not have, naming the one it does. */
export function checkProposalMethod(settings: ProposalSettings): void {
  if (settings.method !== 'selective-search') {
    throw new UnsupportedArchitectureError(
      `proposals.method '${settings.method}' is not available; this build proposes regions by 'selective-search'`,
    );
  }
}

/** Each image's selective-search proposals (fast mode), at most `settings.max`, flat `[x1, y1, x2, y2]` boxes. */
export function imageProposals(images: Tensor, settings: ProposalSettings): Float32Array[] {
  const [count, channels, height, width] = images.shape as [number, number, number, number];
  const pixels = Float32Array.from(images.values());
  const plane = channels * height * width;
  return Array.from({ length: count }, (_, i) => {
    const image = { pixels: pixels.subarray(i * plane, (i + 1) * plane), channels, height, width };
    return selectiveSearch(image, { maxProposals: settings.max, seed: RANKING_SEED }).boxes;
  });
}

import type { Box } from '@ocellus/contracts';
import { noGrad, Rng, type Tensor } from '@ocellus/tensor';
import type { CaptionerNet } from './captioner-net.js';
import { bestChoice } from './forced-accuracy.js';
import { teacherForced } from './teacher-forced.js';
import type { CaptionVocabulary } from './vocabulary.js';

/** Per caption, one token per word: what the namer and what the word scores say of it. */
export interface WordReadings {
  named: Int32Array;
  scored: Int32Array;
}

/** Thrown when a captioner without a glimpse and its namer is asked what its glimpse reads. */
export class NoGlimpseError extends Error {
  override readonly name = 'NoGlimpseError';
}

/**
 * What the glimpse of `net` reads of each word of `captions` (teacher forced) when every word's first read is
 * the square on its box in `boxes` (a refinement still moves it): the namer's best word, and the word scores'
 * best choice (a word or `<end>`).
 */
export function glimpseReadings(
  net: CaptionerNet,
  vocabulary: CaptionVocabulary,
  images: Tensor,
  captions: readonly Int32Array[],
  boxes: readonly (readonly Box[])[],
): WordReadings[] {
  if (!net.glimpse?.namer)
    throw new NoGlimpseError(
      'only a captioner with a glimpse and its namer (nameWeight > 0) reads at given boxes',
    );
  if (boxes.some((b, i) => b.length !== captions[i]?.length) || boxes.length !== captions.length)
    throw new RangeError('glimpseReadings needs one box per word of every caption');
  const truth = { regions: boxes, share: 1, jitter: 0, rng: new Rng(0) };
  const out = noGrad(() => teacherForced(net, images, captions, vocabulary, undefined, truth));
  const { steps } = out.forcing;
  const v = vocabulary.size;
  const named = out.glimpse!.named!.scores.values();
  const scored = out.logits.values();
  const words = vocabulary.choices.filter((token) => token !== vocabulary.end);
  return captions.map((caption, i) => {
    const rows = Array.from(caption, (_, t) => (i * steps + t) * v);
    return {
      named: Int32Array.from(rows, (row) => bestChoice(named, row, words)),
      scored: Int32Array.from(rows, (row) => bestChoice(scored, row, vocabulary.choices)),
    };
  });
}

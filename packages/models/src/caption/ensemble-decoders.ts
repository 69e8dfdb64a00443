import type { SequenceModel } from './beam-search.js';
import type { CaptionDecoders } from './caption-decoding.js';

/** Thrown when the decoders of an ensemble do not read the same images or vocabulary. */
export class EnsembleError extends Error {
  override readonly name = 'EnsembleError';
}

/**
 * Each row's mean of `members`' log-probabilities, renormalised (a normalised geometric mean of their
 * distributions), `[rows * v]`.
 */
export function meanLogProbs(members: readonly ArrayLike<number>[], v: number): Float64Array {
  const mean = new Float64Array(members[0]!.length);
  for (const logProbs of members)
    for (let j = 0; j < mean.length; j++) mean[j]! += logProbs[j]! / members.length;
  for (let row = 0; row < mean.length; row += v) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = row; j < row + v; j++) max = Math.max(max, mean[j]!);
    let total = 0;
    for (let j = row; j < row + v; j++) total += Math.exp(mean[j]! - max);
    const log = max + Math.log(total);
    for (let j = row; j < row + v; j++) mean[j]! -= log;
  }
  return mean;
}

/** The element-wise mean of `members`' attention weights; null unless every member has them, of one size. */
function meanAlpha(members: readonly (ArrayLike<number> | null)[]): Float32Array | null {
  const [first] = members;
  if (!first || members.some((a) => !a || a.length !== first.length)) return null;
  const mean = new Float32Array(first.length);
  for (const alpha of members) for (let j = 0; j < mean.length; j++) mean[j]! += alpha![j]! / members.length;
  return mean;
}

/** One sequence model of several over the same rows: each steps on the same words, the scores are their mean. */
export function ensembleModel(members: readonly SequenceModel<unknown>[]): SequenceModel<unknown[]> {
  const [first] = members;
  if (!first) throw new EnsembleError('an ensemble needs at least one member');
  const { vocabulary } = first;
  if (members.some((m) => m.vocabulary.labels.join('\n') !== vocabulary.labels.join('\n')))
    throw new EnsembleError("an ensemble's members decode one vocabulary");
  return {
    vocabulary,
    start: () => members.map((m) => m.start()),
    step: (words, states) => {
      const outs = members.map((m, k) => m.step(words, states[k]));
      return {
        logProbs: meanLogProbs(
          outs.map((o) => o.logProbs),
          vocabulary.size,
        ),
        alpha: meanAlpha(outs.map((o) => o.alpha)),
        state: outs.map((o) => o.state),
      };
    },
    select: (states, rows) => members.map((m, k) => m.select(states[k], rows)),
  };
}

/** The decoders of an ensemble of members' decoders over the same batch of images. */
export function ensembleDecoders(members: readonly CaptionDecoders[]): CaptionDecoders {
  const images = members[0]?.images ?? 0;
  if (members.some((d) => d.images !== images))
    throw new EnsembleError("an ensemble's members decode the same images");
  return {
    images,
    all: () => ensembleModel(members.map((d) => d.all())) as SequenceModel<unknown>,
    image: (i) => ensembleModel(members.map((d) => d.image(i))) as SequenceModel<unknown>,
  };
}

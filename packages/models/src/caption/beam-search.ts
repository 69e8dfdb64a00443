import type { CaptionVocabulary } from './vocabulary.js';

/** A caption being decoded, or decoded: its words, the sum of its tokens' log-probabilities, and per word the attention weights. */
export interface Hypothesis {
  tokens: number[];
  logProb: number;
  attention: Float32Array[];
}

/** A finished caption: `steps` tokens were scored, its words and `<end>`. */
export interface Caption extends Hypothesis {
  steps: number;
}

/** A decoder seen by the search: K rows of state, one step on K previous words gives `[K, V]` log-probabilities. */
export interface SequenceModel<S> {
  readonly vocabulary: CaptionVocabulary;
  /** The state of the one row the search starts from. */
  start(): S;
  step(
    words: Int32Array,
    state: S,
  ): { logProbs: ArrayLike<number>; alpha: ArrayLike<number> | null; state: S };
  /** Rows `rows` of the state, in that order. */
  select(state: S, rows: Int32Array): S;
}

/** Length-normalised score: the mean log-probability of the caption's tokens, `<end>` included. */
export const normalisedScore = (caption: Caption) => caption.logProb / caption.steps;

interface Candidate {
  parent: number;
  token: number;
  logProb: number;
}

/**
 * Beam search of width `beam`: each step extends every live hypothesis by every word and `<end>` and
 * keeps the `beam - finished` best by total log-probability; one ending in `<end>` is finished and
 * leaves the beam (so width 1 is greedy decoding). After `maxLength` words only `<end>` may follow.
 * Returns the finished captions, best length-normalised score first (ties: the first found).
 */
export function beamSearch<S>(model: SequenceModel<S>, beam: number, maxLength: number): Caption[] {
  const { vocabulary } = model;
  const v = vocabulary.size;
  const endOnly = Int32Array.of(vocabulary.end);
  const finished: Caption[] = [];
  let live: Hypothesis[] = [{ tokens: [], logProb: 0, attention: [] }];
  let state = model.start();
  let words = Int32Array.of(vocabulary.start);
  for (let length = 0; live.length > 0; length++) {
    const out = model.step(words, state);
    const choices = length === maxLength ? endOnly : vocabulary.choices;
    const candidates: Candidate[] = [];
    live.forEach((h, parent) => {
      for (const token of choices) {
        candidates.push({ parent, token, logProb: h.logProb + out.logProbs[parent * v + token]! });
      }
    });
    candidates.sort((a, b) => b.logProb - a.logProb);
    const kept: Hypothesis[] = [];
    const parents: number[] = [];
    const cells = out.alpha ? out.alpha.length / live.length : 0;
    for (const c of candidates.slice(0, beam - finished.length)) {
      const from = live[c.parent]!;
      if (c.token === vocabulary.end) {
        finished.push({ ...from, logProb: c.logProb, steps: length + 1 });
        continue;
      }
      const weights = out.alpha
        ? Float32Array.from({ length: cells }, (_, i) => out.alpha![c.parent * cells + i]!)
        : null;
      kept.push({
        tokens: [...from.tokens, c.token],
        logProb: c.logProb,
        attention: weights ? [...from.attention, weights] : from.attention,
      });
      parents.push(c.parent);
    }
    live = kept;
    if (live.length > 0) {
      state = model.select(out.state, Int32Array.from(parents));
      words = Int32Array.from(live, (h) => h.tokens.at(-1)!);
    }
  }
  return finished
    .map((caption, order) => ({ caption, order }))
    .sort((a, b) => normalisedScore(b.caption) - normalisedScore(a.caption) || a.order - b.order)
    .map(({ caption }) => caption);
}

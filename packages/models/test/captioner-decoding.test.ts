import { Rng } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { beamSearch, type Caption, normalisedScore, type SequenceModel } from '../src/caption/beam-search.js';
import { teacherForcing } from '../src/caption/teacher-forcing.js';
import { CaptionVocabulary, VocabularyError } from '../src/caption/vocabulary.js';

const vocabulary = new CaptionVocabulary(['a', 'b', '<start>', '<end>', '<pad>']);
const V = vocabulary.size;

/**
 * Seeded log-probabilities over the vocabulary after `prefix` (the words read so far). With this seed
 * greedy decoding finds '0 1 1', beams of 2 and 3 find '0', and only a beam of 4 or more the best, '0 0'.
 */
function logProbsAfter(prefix: readonly number[]): number[] {
  const rng = new Rng(prefix.reduce((h, t) => h * 31 + t + 1, 10));
  const logits = Array.from({ length: V }, () => 2 * rng.normal());
  const top = Math.max(...logits);
  const total = Math.log(logits.reduce((s, l) => s + Math.exp(l - top), 0)) + top;
  return logits.map((l) => l - total);
}

/** A decoder whose state is each row's prefix, so a caption's probability depends on all of it. */
const tableModel: SequenceModel<number[][]> = {
  vocabulary,
  start: () => [[]],
  step: (words, state) => {
    const next = state.map((prefix, row) =>
      words[row] === vocabulary.start ? prefix : [...prefix, words[row]!],
    );
    return { logProbs: next.flatMap(logProbsAfter), alpha: null, state: next };
  },
  select: (state, rows) => Array.from(rows, (r) => state[r]!),
};

/** Sum of the table's log-probabilities of `words` then `<end>`. */
function tableScore(words: readonly number[]): number {
  let total = 0;
  for (let t = 0; t <= words.length; t++) {
    total += logProbsAfter(words.slice(0, t))[t < words.length ? words[t]! : vocabulary.end]!;
  }
  return total;
}

/** Every caption of at most `maxLength` words of the table model, each ended by `<end>`. */
function allCaptions(maxLength: number): Caption[] {
  const out: Caption[] = [];
  const grow = (words: number[]) => {
    out.push({ tokens: words, logProb: tableScore(words), attention: [], steps: words.length + 1 });
    if (words.length < maxLength) for (const w of [0, 1]) grow([...words, w]);
  };
  grow([]);
  return out;
}

describe('beam search', () => {
  const maxLength = 3;
  const exhaustive = allCaptions(maxLength).sort((a, b) => normalisedScore(b) - normalisedScore(a));

  it('finds the caption of best mean log-probability when the beam holds every prefix', () => {
    const [best] = beamSearch(tableModel, 64, maxLength);
    expect(best!.tokens).toEqual([0, 0]);
    expect(best!.tokens).toEqual(exhaustive[0]!.tokens);
    expect(normalisedScore(best!)).toBeCloseTo(normalisedScore(exhaustive[0]!), 12);
    expect(beamSearch(tableModel, 64, maxLength)).toHaveLength(exhaustive.length);
  });

  it('returns the best of its beams, each scored as the model scores it', () => {
    for (let beam = 1; beam <= 6; beam++) {
      const found = beamSearch(tableModel, beam, maxLength);
      expect(found.length).toBeGreaterThan(0);
      expect(found.length).toBeLessThanOrEqual(beam);
      for (const caption of found) {
        expect(caption.logProb).toBeCloseTo(tableScore(caption.tokens), 12);
        expect(caption.steps).toBe(caption.tokens.length + 1);
        expect(normalisedScore(caption)).toBeLessThanOrEqual(normalisedScore(found[0]!));
      }
    }
  });

  it('with width 1 is greedy: the best word or <end> at every step, only <end> after maxLength words', () => {
    const words: number[] = [];
    for (;;) {
      const logProbs = logProbsAfter(words);
      const choices = words.length === maxLength ? [vocabulary.end] : [0, 1, vocabulary.end];
      const next = choices.reduce((best, t) => (logProbs[t]! > logProbs[best]! ? t : best));
      if (next === vocabulary.end) break;
      words.push(next);
    }
    const [greedy] = beamSearch(tableModel, 1, maxLength);
    expect(greedy!.tokens).toEqual(words);
    expect(words).not.toEqual(exhaustive[0]!.tokens);
  });

  it('stops every caption at maxLength words', () => {
    for (const caption of beamSearch(tableModel, 8, 1)) expect(caption.tokens.length).toBeLessThanOrEqual(1);
  });
});

describe('caption vocabulary and teacher forcing', () => {
  it('reads the special tokens from the labels and refuses labels without them', () => {
    expect([vocabulary.start, vocabulary.end, vocabulary.pad]).toEqual([2, 3, 4]);
    expect(Array.from(vocabulary.choices)).toEqual([0, 1, 3]);
    expect(() => new CaptionVocabulary(['a', '<start>', '<pad>'])).toThrow(VocabularyError);
  });

  it('reads <start> then the words, scores the words then <end>, and pads the rest', () => {
    const forcing = teacherForcing([Int32Array.of(0, 1, 1), Int32Array.of(1)], vocabulary);
    expect(forcing.steps).toBe(4);
    expect(Array.from(forcing.inputs)).toEqual([2, 0, 1, 1, 2, 1, 4, 4]);
    expect(Array.from(forcing.targets)).toEqual([0, 1, 1, 3, 1, 3, 4, 4]);
    expect(Array.from(forcing.mask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(() => teacherForcing([Int32Array.of(3)], vocabulary)).toThrow(/not a word/);
  });
});

import { bleu, exactMatch, exactMatchByLength } from '@ocellus/vision/metrics';
import { describe, expect, it } from 'vitest';

const words = (s: string) => s.split(' ');

// Papineni et al. 2002, Example 1 (tokens as in NLTK's bleu_score doctest).
const candidate1 = words(
  'It is a guide to action which ensures that the military always obeys the commands of the party',
);
const candidate2 = words(
  'It is to insure the troops forever hearing the activity guidebook that party direct',
);
const papineniReferences = [
  words('It is a guide to action that ensures that the military will forever heed Party commands'),
  words(
    'It is the guiding principle which guarantees the military forces always being under the command of the Party',
  ),
  words('It is the practical guide for the army always to heed the directions of the party'),
];

describe('bleu', () => {
  it("reproduces Papineni's modified n-gram precisions (17/18 and 10/17; 8/14 and 1/13)", () => {
    const one = bleu([candidate1], [papineniReferences]);
    expect(one.precisions[0]).toBe(17 / 18);
    expect(one.precisions[1]).toBe(10 / 17);
    const two = bleu([candidate2], [papineniReferences]);
    expect(two.precisions[0]).toBe(8 / 14);
    expect(two.precisions[1]).toBe(1 / 13);
    // No 3-gram of candidate 2 is in any reference, so unsmoothed BLEU-3 and BLEU-4 are 0.
    expect(two.precisions[2]).toBe(0);
    expect(two.bleu[3]).toBe(0);
  });

  it("gives candidate 1 BLEU-4 0.5045 (NLTK's doctest value), with no brevity penalty at r = c = 18", () => {
    const one = bleu([candidate1], [papineniReferences]);
    expect(one.candidateLength).toBe(18);
    expect(one.referenceLength).toBe(18);
    expect(one.brevityPenalty).toBe(1);
    // 7 of its 16 trigrams and 4 of its 15 four-grams appear in some reference.
    expect(one.precisions).toEqual([17 / 18, 10 / 17, 7 / 16, 4 / 15]);
    expect(one.bleu[3]).toBeCloseTo(((17 / 18) * (10 / 17) * (7 / 16) * (4 / 15)) ** 0.25, 15);
    expect(one.bleu[3]).toBeGreaterThanOrEqual(0.5045);
    expect(one.bleu[3]).toBeLessThan(0.5046);
  });

  it('clips repeated words by their largest count in one reference (2/7 for seven "the")', () => {
    const r = bleu(
      [words('the the the the the the the')],
      [[words('the cat is on the mat'), words('there is a cat on the mat')]],
    );
    expect(r.precisions[0]).toBe(2 / 7);
  });

  it('applies exp(1 - r/c) with r the closest reference length, the shorter on a tie', () => {
    const r = bleu(
      [words('the cat')],
      [[words('the cat is on the mat'), words('there is a cat on the mat')]],
    );
    expect(r.referenceLength).toBe(6);
    expect(r.brevityPenalty).toBeCloseTo(Math.exp(1 - 6 / 2), 15);
    expect(r.bleu[0]).toBeCloseTo(Math.exp(-2), 15);
    expect(r.bleu[1]).toBeCloseTo(Math.exp(-2), 15);
    // A candidate of two tokens has no 3-gram: precision 0, BLEU-3 0.
    expect(r.bleu[2]).toBe(0);
    // References of 3 and 5 tokens are equally far from 4: r = 3, c > r, no penalty.
    expect(bleu([words('a b c d')], [[words('a b c'), words('a b c d e')]]).referenceLength).toBe(3);
  });

  it('sums clipped counts over the corpus before dividing', () => {
    // "a b c d" matches all its n-grams (4, 3, 2, 1); "a x c" matches 2 of 3 unigrams and nothing longer.
    const r = bleu(
      [words('a b c d'), words('a x c')],
      [[words('a b c d')], [words('a b c'), words('a b c d e')]],
    );
    expect(r.precisions).toEqual([6 / 7, 3 / 5, 2 / 3, 1]);
    expect(r.candidateLength).toBe(7);
    expect(r.referenceLength).toBe(7);
    expect(r.brevityPenalty).toBe(1);
    expect(r.bleu[0]).toBeCloseTo(6 / 7, 15);
    expect(r.bleu[1]).toBeCloseTo(Math.sqrt(18 / 35), 15);
    expect(r.bleu[2]).toBeCloseTo(Math.cbrt(12 / 35), 15);
    expect(r.bleu[3]).toBeCloseTo((12 / 35) ** 0.25, 15);
  });

  it('refuses a corpus without a reference set per candidate', () => {
    expect(() => bleu([words('a')], [])).toThrow(/1 candidates but 0 reference sets/);
    expect(() => bleu([words('a')], [[]])).toThrow(/candidate 0 has no reference/);
  });
});

describe('exactMatch', () => {
  it('counts candidates equal to one of their references token for token', () => {
    const candidates = [words('3 1 4'), words('1 5'), words('9 2 6'), []];
    const references = [[words('3 1 4')], [words('1 5 9'), words('1 5')], [words('9 2')], [[]]];
    expect(exactMatch(candidates, references)).toBe(3 / 4);
  });
});

describe('exactMatchByLength', () => {
  it("groups images by their first reference's length, shortest first, and counts exact matches in each", () => {
    const candidates = [words('3 1 4'), words('1 5'), words('9 2 6'), [], words('7 7 7'), words('8')];
    const references = [
      [words('3 1 4')],
      [words('1 5 9'), words('1 5')],
      [words('9 2')],
      [[]],
      [words('7 7 1')],
      [words('8')],
    ];
    expect(exactMatchByLength(candidates, references)).toEqual([
      { words: 0, images: 1, exact: 1 },
      { words: 1, images: 1, exact: 1 },
      { words: 2, images: 1, exact: 0 },
      { words: 3, images: 3, exact: 2 / 3 },
    ]);
  });
});

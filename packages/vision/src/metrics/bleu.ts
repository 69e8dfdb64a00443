export type Tokens = readonly string[];

export interface BleuResult {
  /** BLEU-1..4: brevity penalty times the geometric mean of the first n precisions. */
  bleu: [number, number, number, number];
  /** Corpus-level clipped n-gram precisions for n = 1..4. */
  precisions: [number, number, number, number];
  brevityPenalty: number;
  /** c: total candidate length. */
  candidateLength: number;
  /** r: sum over candidates of the closest reference length. */
  referenceLength: number;
}

function ngramCounts(tokens: Tokens, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = JSON.stringify(tokens.slice(i, i + n));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Reference length nearest the candidate's; on a tie the shorter, as NLTK's `closest_ref_length`. */
function closestReferenceLength(candidate: number, references: readonly Tokens[]): number {
  let best = references[0]!.length;
  for (const reference of references) {
    const r = reference.length;
    const gap = Math.abs(r - candidate);
    const bestGap = Math.abs(best - candidate);
    if (gap < bestGap || (gap === bestGap && r < best)) best = r;
  }
  return best;
}

function checkCorpus(candidates: readonly Tokens[], references: readonly (readonly Tokens[])[]): void {
  if (candidates.length !== references.length) {
    throw new RangeError(`${candidates.length} candidates but ${references.length} reference sets`);
  }
  references.forEach((set, i) => {
    if (set.length === 0) throw new RangeError(`candidate ${i} has no reference`);
  });
}

/**
 * Corpus BLEU (Papineni et al. 2002, §2.1 and §2.2.1): n-gram counts clipped by their largest count
 * in any one reference, summed over the corpus before dividing; brevity penalty exp(1 - r/c) when
 * c <= r; uniform weights. Unsmoothed, so a corpus with no matching 4-gram has BLEU-4 = 0.
 */
export function bleu(candidates: readonly Tokens[], references: readonly (readonly Tokens[])[]): BleuResult {
  checkCorpus(candidates, references);
  const matches = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  let candidateLength = 0;
  let referenceLength = 0;
  candidates.forEach((candidate, i) => {
    const refs = references[i]!;
    candidateLength += candidate.length;
    referenceLength += closestReferenceLength(candidate.length, refs);
    for (let n = 1; n <= 4; n++) {
      const maxReference = new Map<string, number>();
      for (const reference of refs) {
        for (const [key, count] of ngramCounts(reference, n)) {
          maxReference.set(key, Math.max(maxReference.get(key) ?? 0, count));
        }
      }
      for (const [key, count] of ngramCounts(candidate, n)) {
        matches[n - 1]! += Math.min(count, maxReference.get(key) ?? 0);
        totals[n - 1]! += count;
      }
    }
  });
  const precisions = matches.map((m, k) => (totals[k]! > 0 ? m / totals[k]! : 0));
  const brevityPenalty =
    candidateLength === 0
      ? 0
      : candidateLength > referenceLength
        ? 1
        : Math.exp(1 - referenceLength / candidateLength);
  let logSum = 0;
  const scores = precisions.map((p, k) => {
    logSum += Math.log(p);
    return brevityPenalty * Math.exp(logSum / (k + 1));
  });
  return {
    bleu: scores as BleuResult['bleu'],
    precisions: precisions as BleuResult['precisions'],
    brevityPenalty,
    candidateLength,
    referenceLength,
  };
}

const equalTokens = (a: Tokens, b: Tokens) => a.length === b.length && a.every((token, k) => token === b[k]);

/** Whether each candidate equals, token for token, one of its references. */
function exactHits(candidates: readonly Tokens[], references: readonly (readonly Tokens[])[]): boolean[] {
  checkCorpus(candidates, references);
  return candidates.map((candidate, i) =>
    references[i]!.some((reference) => equalTokens(reference, candidate)),
  );
}

/** Fraction of candidates equal, token for token, to one of their references (NaN for none). */
export function exactMatch(
  candidates: readonly Tokens[],
  references: readonly (readonly Tokens[])[],
): number {
  return exactHits(candidates, references).filter(Boolean).length / candidates.length;
}

/** Exact matches among the images whose first reference has `words` words. */
export interface LengthAccuracy {
  words: number;
  images: number;
  exact: number;
}

/**
 * `exactMatch` per caption length, the length of each image's first reference (the caption it trains
 * on), shortest first: where a captioner's errors pile up as captions grow.
 */
export function exactMatchByLength(
  candidates: readonly Tokens[],
  references: readonly (readonly Tokens[])[],
): LengthAccuracy[] {
  const groups = new Map<number, { images: number; hits: number }>();
  exactHits(candidates, references).forEach((hit, i) => {
    const words = references[i]![0]?.length ?? 0;
    const group = groups.get(words) ?? { images: 0, hits: 0 };
    group.images++;
    if (hit) group.hits++;
    groups.set(words, group);
  });
  return [...groups]
    .sort(([a], [b]) => a - b)
    .map(([words, { images, hits }]) => ({ words, images, exact: hits / images }));
}

/** `exactMatchByLength`'s groups as one line, `1 words 94.4% of 107, 2 words ...`, percentages to `digits` places. */
export function lengthAccuracyText(groups: readonly LengthAccuracy[], digits: number): string {
  return groups.map((g) => `${g.words} words ${(100 * g.exact).toFixed(digits)}% of ${g.images}`).join(', ');
}

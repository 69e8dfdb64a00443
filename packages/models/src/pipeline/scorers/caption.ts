import { bleu, exactMatch, exactMatchByLength, lengthAccuracyText } from '@ocellus/vision/metrics';
import { finite, percent, type Scorer } from './scorer.js';

/**
 * caption: corpus BLEU-1..4 against each image's reference captions (every one it has, as COCO's caption
 * evaluation reads them), exact-sequence accuracy (a match with any of them), and the same per caption
 * length (of the first reference) in the details, as `exactByLength`.
 */
export const caption: Scorer<'caption'> = (outputs, targets, { labels }) => {
  const words = (tokens: Int32Array) => Array.from(tokens, (t) => labels[t] ?? `#${t}`);
  const candidates = outputs.map(({ tokens }) => words(tokens));
  const references = targets.map(({ tokens, references }) => (references ?? [tokens]).map(words));
  const {
    bleu: [b1, b2, b3, b4],
  } = bleu(candidates, references);
  const testExactMatch = exactMatch(candidates, references);
  const exactByLength = exactMatchByLength(candidates, references);
  return {
    metrics: finite({ testBleu1: b1, testBleu2: b2, testBleu3: b3, testBleu4: b4, testExactMatch }),
    details: { exactByLength },
    examples: candidates.length,
    summary: `test BLEU-4 ${b4.toFixed(4)}, exact ${percent(testExactMatch)} on ${candidates.length} images (${lengthAccuracyText(exactByLength, 2)})`,
  };
};

import type { TeacherForced } from './teacher-forced.js';
import type { CaptionVocabulary } from './vocabulary.js';

/** The first of `choices` with the highest score in the row at `offset`, as greedy decoding picks it. */
export function bestChoice(scores: ArrayLike<number>, offset: number, choices: Int32Array): number {
  let best = choices[0]!;
  for (const token of choices) if (scores[offset + token]! > scores[offset + best]!) best = token;
  return best;
}

/**
 * Per batch, read with the true words: `tokenAccuracy`, the share of the caption's tokens (`<end>`
 * included) that the best choice gets right, and `exact`, the share of captions with every token
 * right, which is the share greedy decoding gets right (of the captions within its maxLength).
 */
export function forcedAccuracy(out: TeacherForced, vocabulary: CaptionVocabulary): Record<string, number> {
  const { steps, targets, mask } = out.forcing;
  const scores = out.logits.values();
  const v = vocabulary.size;
  const n = targets.length / steps;
  let tokens = 0;
  let right = 0;
  let exact = 0;
  for (let i = 0; i < n; i++) {
    let all = true;
    for (let t = 0; t < steps; t++) {
      const row = i * steps + t;
      if (mask[row] === 0) continue;
      tokens++;
      if (bestChoice(scores, row * v, vocabulary.choices) === targets[row]) right++;
      else all = false;
    }
    if (all) exact++;
  }
  return { tokenAccuracy: right / Math.max(tokens, 1), exact: exact / Math.max(n, 1) };
}

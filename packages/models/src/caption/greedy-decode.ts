import type { Caption, SequenceModel } from './beam-search.js';
import { bestChoice } from './forced-accuracy.js';

/**
 * Greedy decoding of the `rows` rows `model` starts with, all at once: each step takes the best word or
 * `<end>` (only `<end>` after `maxLength` words); a finished caption's row runs on, ignored, until all end.
 */
export function greedyDecode<S>(model: SequenceModel<S>, rows: number, maxLength: number): Caption[] {
  const { vocabulary } = model;
  const v = vocabulary.size;
  const endOnly = Int32Array.of(vocabulary.end);
  const captions: Caption[] = Array.from({ length: rows }, () => ({
    tokens: [],
    logProb: 0,
    attention: [],
    steps: 0,
  }));
  const done = new Uint8Array(rows);
  let state = model.start();
  let words = new Int32Array(rows).fill(vocabulary.start);
  for (let length = 0; done.includes(0); length++) {
    const out = model.step(words, state);
    state = out.state;
    const { logProbs, alpha } = out;
    const cells = alpha ? alpha.length / rows : 0;
    const choices = length === maxLength ? endOnly : vocabulary.choices;
    words = new Int32Array(rows).fill(vocabulary.end);
    captions.forEach((caption, i) => {
      if (done[i]) return;
      const token = bestChoice(logProbs, i * v, choices);
      caption.logProb += logProbs[i * v + token]!;
      caption.steps++;
      words[i] = token;
      if (token === vocabulary.end) {
        done[i] = 1;
        return;
      }
      caption.tokens.push(token);
      if (alpha)
        caption.attention.push(Float32Array.from({ length: cells }, (_, c) => alpha[i * cells + c]!));
    });
  }
  return captions;
}

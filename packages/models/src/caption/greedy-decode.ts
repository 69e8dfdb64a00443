import { logSoftmax } from '@ocellus/tensor';
import type { Caption } from './beam-search.js';
import type { CaptionerNet, CaptionMemory } from './captioner-net.js';
import { bestChoice } from './forced-accuracy.js';
import type { CaptionVocabulary } from './vocabulary.js';

/**
 * Greedy decoding of every image of `memory` at once: each step takes the best word or `<end>`
 * (only `<end>` after `maxLength` words); a finished caption's row runs on, ignored, until all end.
 */
export function greedyDecode(
  net: CaptionerNet,
  memory: CaptionMemory,
  vocabulary: CaptionVocabulary,
  maxLength: number,
): Caption[] {
  const n = memory.cells.shape[0]!;
  const v = vocabulary.size;
  const endOnly = Int32Array.of(vocabulary.end);
  const captions: Caption[] = Array.from({ length: n }, () => ({
    tokens: [],
    logProb: 0,
    attention: [],
    steps: 0,
  }));
  const done = new Uint8Array(n);
  let state = net.initialState(memory);
  let words = new Int32Array(n).fill(vocabulary.start);
  for (let length = 0; done.includes(0); length++) {
    const out = net.step(memory, words, state);
    state = out.state;
    const logProbs = logSoftmax(out.logits, 1).values();
    const alpha = out.alpha?.values() ?? null;
    const cells = alpha ? alpha.length / n : 0;
    const choices = length === maxLength ? endOnly : vocabulary.choices;
    words = new Int32Array(n).fill(vocabulary.end);
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
      if (alpha) caption.attention.push(Float32Array.from(alpha.subarray(i * cells, (i + 1) * cells)));
    });
  }
  return captions;
}

import { logSoftmax, slice, type Tensor } from '@ocellus/tensor';
import { beamSearch, type Caption, type SequenceModel } from './beam-search.js';
import type { CaptionerNet, CaptionMemory } from './captioner-net.js';
import { type DecoderState, selectState } from './decoder-state.js';
import { greedyDecode } from './greedy-decode.js';
import type { CaptionVocabulary } from './vocabulary.js';

/** The network as beam search sees it for image `i` of `memory`: every hypothesis reads that image. */
function imageDecoder(
  net: CaptionerNet,
  memory: CaptionMemory,
  i: number,
  vocabulary: CaptionVocabulary,
): SequenceModel<DecoderState> {
  const rows = [i, i + 1] as const;
  const own: CaptionMemory = {
    cells: slice(memory.cells, [rows, null, null]),
    images: memory.images ? slice(memory.images, [rows, null, null, null]) : null,
    keys: memory.keys ? slice(memory.keys, [rows, null, null]) : null,
    readout: null,
    centres: memory.centres ? slice(memory.centres, [rows, null]) : null,
  };
  return {
    vocabulary,
    start: () => net.initialState(own),
    step: (words, state) => {
      const out = net.step(own, words, state);
      return {
        logProbs: logSoftmax(out.logits, 1).values(),
        alpha: out.alpha?.values() ?? null,
        state: out.state,
      };
    },
    select: selectState,
  };
}

/** Each image's best caption by beam search of width `beam`, image by image. */
export function beamCaptions(
  net: CaptionerNet,
  memory: CaptionMemory,
  vocabulary: CaptionVocabulary,
  options: { beam: number; maxLength: number },
): Caption[] {
  // Every search finishes a caption: after maxLength words only <end> may follow.
  return Array.from(
    { length: memory.cells.shape[0]! },
    (_, i) => beamSearch(imageDecoder(net, memory, i, vocabulary), options.beam, options.maxLength)[0]!,
  );
}

/** Each image's best caption: greedy for `beam` 1 (all images at once), else beam search. */
export function decodeCaptions(
  net: CaptionerNet,
  images: Tensor,
  vocabulary: CaptionVocabulary,
  options: { beam: number; maxLength: number },
): Caption[] {
  const memory = net.encode(images);
  if (options.beam === 1) return greedyDecode(net, memory, vocabulary, options.maxLength);
  return beamCaptions(net, memory, vocabulary, options);
}

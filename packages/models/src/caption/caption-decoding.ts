import { logSoftmax, slice } from '@ocellus/tensor';
import { beamSearch, type Caption, type SequenceModel } from './beam-search.js';
import type { CaptionerNet, CaptionMemory } from './captioner-net.js';
import { type DecoderState, selectState } from './decoder-state.js';
import { greedyDecode } from './greedy-decode.js';
import type { CaptionVocabulary } from './vocabulary.js';

/**
 * What decodes a batch of `images`: one sequence model whose rows are all of them (greedy decoding), or
 * one that reads image `i` alone (beam search, a row per hypothesis).
 */
export interface CaptionDecoders {
  readonly images: number;
  all(): SequenceModel<unknown>;
  image(i: number): SequenceModel<unknown>;
}

/** `net` as a sequence model over `memory`: its rows start as the images' initial states. */
function memoryDecoder(
  net: CaptionerNet,
  memory: CaptionMemory,
  vocabulary: CaptionVocabulary,
): SequenceModel<DecoderState> {
  return {
    vocabulary,
    start: () => net.initialState(memory),
    step: (words, state) => {
      const out = net.step(memory, words, state);
      return {
        logProbs: logSoftmax(out.logits, 1).values(),
        alpha: out.alpha?.values() ?? null,
        state: out.state,
      };
    },
    select: selectState,
  };
}

/** Image `i` of `memory` alone: every hypothesis of a beam reads that image. */
function imageMemory(memory: CaptionMemory, i: number): CaptionMemory {
  const rows = [i, i + 1] as const;
  return {
    cells: slice(memory.cells, [rows, null, null]),
    images: memory.images ? slice(memory.images, [rows, null, null, null]) : null,
    keys: memory.keys ? slice(memory.keys, [rows, null, null]) : null,
    readout: null,
    centres: memory.centres ? slice(memory.centres, [rows, null]) : null,
  };
}

/** The decoders of `net` over the images it has encoded into `memory`. */
export function netDecoders(
  net: CaptionerNet,
  memory: CaptionMemory,
  vocabulary: CaptionVocabulary,
): CaptionDecoders {
  return {
    images: memory.cells.shape[0]!,
    all: () => memoryDecoder(net, memory, vocabulary) as SequenceModel<unknown>,
    image: (i) => memoryDecoder(net, imageMemory(memory, i), vocabulary) as SequenceModel<unknown>,
  };
}

/** Each image's best caption by beam search of width `beam`, image by image. */
export function beamCaptions(
  decoders: CaptionDecoders,
  options: { beam: number; maxLength: number },
): Caption[] {
  // Every search finishes a caption: after maxLength words only <end> may follow.
  return Array.from(
    { length: decoders.images },
    (_, i) => beamSearch(decoders.image(i), options.beam, options.maxLength)[0]!,
  );
}

/** Each image's best caption: greedy for `beam` 1 (all images at once), else beam search. */
export function decodeCaptions(
  decoders: CaptionDecoders,
  options: { beam: number; maxLength: number },
): Caption[] {
  if (options.beam === 1) return greedyDecode(decoders.all(), decoders.images, options.maxLength);
  return beamCaptions(decoders, options);
}

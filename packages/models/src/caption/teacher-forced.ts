import type { Box } from '@ocellus/contracts';
import { type Rng, reshape, stack, type Tensor } from '@ocellus/tensor';
import type { CaptionerNet } from './captioner-net.js';
import { detachState } from './decoder-state.js';
import { GLIMPSE_BOX_OUTPUTS, jitterBox } from './glimpse.js';
import { stepColumn, type TeacherForcing, teacherForcing } from './teacher-forcing.js';
import type { CaptionVocabulary } from './vocabulary.js';

/** The network's view of a batch read with the true words: scores `[N * steps, V]`, row-major by image. */
export interface TeacherForced {
  forcing: TeacherForcing;
  logits: Tensor;
  /** Attention weights `[N, steps, cells]`, when the network attends. */
  alpha: Tensor | null;
  /** Each cell's word scores and box centre `[N, cells, V + 2]`, when the network is trained to read its cells. */
  readout: Tensor | null;
  /**
   * With a glimpse, each step's box outputs `[N * steps, 3]` and anchors (`[N * steps * 2]` pixels), row-major
   * by image; with `refine`, its first places `[N * steps * 3]` and refinement outputs `[N * steps, 3]`; with
   * `truth` and a namer, its word scores `[N * steps, V]` and 1 on the steps read at a true box.
   */
  glimpse: {
    raw: Tensor;
    anchors: Float32Array;
    refined: { places: Float32Array; raw: Tensor } | null;
    named: { scores: Tensor; truthRows: Uint8Array } | null;
  } | null;
}

/**
 * Training's true glimpse places: each word's box, read with probability `share` and moved by up to
 * `jitter` (`jitterBox`), both drawn from `rng`.
 */
export interface GlimpseTruth {
  regions: readonly (readonly Box[])[];
  share: number;
  jitter: number;
  rng: Rng;
}

/** Per row, word t's box (jittered) when drawn to be read there, else null. */
function truthAt(truth: GlimpseTruth, t: number): (Box | null)[] {
  return truth.regions.map((boxes) => {
    const box = boxes[t];
    if (!box || truth.rng.uniform() >= truth.share) return null;
    return truth.jitter > 0 ? jitterBox(box, truth.jitter, truth.rng) : box;
  });
}

/**
 * Runs the decoder over `captions` with teacher forcing: step t reads the true word t - 1. With
 * `tbptt`, the recurrent state is detached every `tbptt` steps, so no gradient flows back through
 * more than that many steps of the recurrence (the encoder still gets every step's gradient). With
 * `truth`, a glimpse reads a share of the words at their true boxes.
 */
export function teacherForced(
  net: CaptionerNet,
  images: Tensor,
  captions: readonly Int32Array[],
  vocabulary: CaptionVocabulary,
  tbptt?: number,
  truth?: GlimpseTruth,
): TeacherForced {
  const forcing = teacherForcing(captions, vocabulary);
  const memory = net.encode(images);
  let state = net.initialState(memory);
  const logits: Tensor[] = [];
  const alphas: Tensor[] = [];
  const boxes: Tensor[] = [];
  const refinements: Tensor[] = [];
  const named: Tensor[] = [];
  const n = captions.length;
  const anchors = new Float32Array(n * forcing.steps * 2);
  const places = new Float32Array(n * forcing.steps * 3);
  const truthRows = new Uint8Array(n * forcing.steps);
  for (let t = 0; t < forcing.steps; t++) {
    if (tbptt !== undefined && t > 0 && t % tbptt === 0) state = detachState(state);
    const words = stepColumn(forcing.inputs, forcing.steps, t);
    const out = net.step(memory, words, state, truth ? truthAt(truth, t) : undefined);
    state = out.state;
    logits.push(out.logits);
    if (out.alpha) alphas.push(out.alpha);
    if (out.glimpse) {
      boxes.push(out.glimpse.raw);
      const { refined } = out.glimpse;
      if (refined) refinements.push(refined.raw);
      for (let i = 0; i < n; i++) {
        const row = i * forcing.steps + t;
        anchors.set(out.glimpse.anchors.subarray(i * 2, i * 2 + 2), row * 2);
        if (refined) places.set(refined.places.subarray(i * 3, i * 3 + 3), row * 3);
        truthRows[row] = out.glimpse.named?.truthRows[i] ?? 0;
      }
      if (out.glimpse.named) named.push(out.glimpse.named.scores);
    }
  }
  return {
    forcing,
    logits: reshape(stack(logits, 1), [n * forcing.steps, vocabulary.size]),
    alpha: alphas.length > 0 ? stack(alphas, 1) : null,
    readout: memory.readout,
    glimpse:
      boxes.length > 0
        ? {
            raw: reshape(stack(boxes, 1), [n * forcing.steps, GLIMPSE_BOX_OUTPUTS]),
            anchors,
            refined:
              refinements.length > 0
                ? { places, raw: reshape(stack(refinements, 1), [n * forcing.steps, GLIMPSE_BOX_OUTPUTS]) }
                : null,
            named:
              named.length > 0
                ? { scores: reshape(stack(named, 1), [n * forcing.steps, vocabulary.size]), truthRows }
                : null,
          }
        : null,
  };
}

import { reshape, stack, type Tensor } from '@ocellus/tensor';
import type { CaptionerNet } from './captioner-net.js';
import { detachState } from './decoder-state.js';
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
}

/**
 * Runs the decoder over `captions` with teacher forcing: step t reads the true word t - 1. With
 * `tbptt`, the recurrent state is detached every `tbptt` steps, so no gradient flows back through
 * more than that many steps of the recurrence (the encoder still gets every step's gradient).
 */
export function teacherForced(
  net: CaptionerNet,
  images: Tensor,
  captions: readonly Int32Array[],
  vocabulary: CaptionVocabulary,
  tbptt?: number,
): TeacherForced {
  const forcing = teacherForcing(captions, vocabulary);
  const memory = net.encode(images);
  let state = net.initialState(memory);
  const logits: Tensor[] = [];
  const alphas: Tensor[] = [];
  for (let t = 0; t < forcing.steps; t++) {
    if (tbptt !== undefined && t > 0 && t % tbptt === 0) state = detachState(state);
    const out = net.step(memory, stepColumn(forcing.inputs, forcing.steps, t), state);
    state = out.state;
    logits.push(out.logits);
    if (out.alpha) alphas.push(out.alpha);
  }
  return {
    forcing,
    logits: reshape(stack(logits, 1), [captions.length * forcing.steps, vocabulary.size]),
    alpha: alphas.length > 0 ? stack(alphas, 1) : null,
    readout: memory.readout,
  };
}

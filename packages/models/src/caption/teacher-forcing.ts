import type { CaptionVocabulary } from './vocabulary.js';

/**
 * A batch of captions laid out for teacher forcing, row-major `[N, steps]`: step t reads `inputs`
 * (`<start>`, then the true words) and is scored against `targets` (the words, then `<end>`);
 * `<pad>` fills both past a caption's end, and `mask` is 1 on the steps that count.
 */
export interface TeacherForcing {
  steps: number;
  inputs: Int32Array;
  targets: Int32Array;
  mask: Float32Array;
}

export function teacherForcing(
  captions: readonly Int32Array[],
  vocabulary: CaptionVocabulary,
): TeacherForcing {
  const steps = 1 + captions.reduce((longest, c) => Math.max(longest, c.length), 0);
  const n = captions.length;
  const inputs = new Int32Array(n * steps).fill(vocabulary.pad);
  const targets = new Int32Array(n * steps).fill(vocabulary.pad);
  const mask = new Float32Array(n * steps);
  captions.forEach((words, i) => {
    for (const token of words) {
      if (!vocabulary.isWord(token)) throw new RangeError(`caption ${i} holds ${token}, which is not a word`);
    }
    const row = i * steps;
    inputs[row] = vocabulary.start;
    inputs.set(words, row + 1);
    targets.set(words, row);
    targets[row + words.length] = vocabulary.end;
    mask.fill(1, row, row + words.length + 1);
  });
  return { steps, inputs, targets, mask };
}

/** Column `t` of a row-major `[N, steps]` layout. */
export function stepColumn(values: Int32Array, steps: number, t: number): Int32Array {
  const n = values.length / steps;
  return Int32Array.from({ length: n }, (_, i) => values[i * steps + t]!);
}

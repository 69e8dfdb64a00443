import { Tensor } from '@ocellus/tensor';
import type { TaskOutputs } from '../types.js';
import type { Caption } from './beam-search.js';

/**
 * The task's outputs of decoded captions: their words, the mean log-probability of their tokens (`<end>`
 * included), and with a `grid` (`[rows, cols]`, when attention was asked for) the weights per word.
 */
export function captionOutputs(
  captions: readonly Caption[],
  grid: [number, number] | null,
): TaskOutputs['caption'][] {
  return captions.map((c) => ({
    tokens: Int32Array.from(c.tokens),
    logProb: c.logProb / c.steps,
    ...(grid ? { attention: { grid, weights: c.attention } } : {}),
  }));
}

/** Captions as the inference protocol's tensors: `tokens` [N, maxLength] (`pad` after the words) and `logProb` [N]. */
export function captionTensors(
  outputs: readonly TaskOutputs['caption'][],
  maxLength: number,
  pad: number,
): Record<string, Tensor> {
  const tokens = new Float32Array(outputs.length * maxLength).fill(pad);
  outputs.forEach((o, i) => {
    tokens.set(o.tokens, i * maxLength);
  });
  return {
    tokens: new Tensor(tokens, [outputs.length, maxLength]),
    logProb: new Tensor(
      Float32Array.from(outputs, (o) => o.logProb),
      [outputs.length],
    ),
  };
}

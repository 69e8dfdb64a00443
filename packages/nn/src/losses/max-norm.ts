import { noGrad } from '@ocellus/tensor';
import { type ParameterSource, regularizedTensors } from './regularizers.js';

export interface MaxNormOptions {
  /** The axis that indexes output units: 0 for torch layouts (Linear [out, in], Conv [out, in, kh, kw]). */
  axis?: number;
}

/**
 * Max-norm constraint (Srivastava et al. 2014, CS231n): after the optimiser's step, each output unit's
 * incoming weight vector `w` is projected back to `||w||_2 <= maxNorm`. Works in place on the
 * parameters' storage and returns how many units were rescaled.
 */
export function applyMaxNorm(source: ParameterSource, maxNorm: number, options: MaxNormOptions = {}): number {
  if (!(maxNorm > 0)) throw new Error(`applyMaxNorm: maxNorm must be positive, got ${maxNorm}`);
  let rescaled = 0;
  noGrad(() => {
    for (const p of regularizedTensors(source, 'applyMaxNorm')) {
      if (p.values() !== p.data) throw new Error('applyMaxNorm needs contiguous parameters');
      const axis = options.axis ?? 0;
      if (axis < 0 || axis >= Math.max(p.ndim, 1)) {
        throw new Error(`applyMaxNorm: axis ${axis} is out of range for shape [${p.shape.join(', ')}]`);
      }
      const units = p.shape[axis] ?? 1;
      const inner = p.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const outer = p.size / (units * inner);
      const squares = new Float64Array(units);
      const at = (o: number, u: number, i: number) => (o * units + u) * inner + i;
      for (let o = 0; o < outer; o++)
        for (let u = 0; u < units; u++)
          for (let i = 0; i < inner; i++) squares[u]! += p.data[at(o, u, i)]! ** 2;
      for (let u = 0; u < units; u++) {
        const norm = Math.sqrt(squares[u]!);
        if (norm <= maxNorm) continue;
        rescaled++;
        const scale = maxNorm / norm;
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) p.data[at(o, u, i)]! *= scale;
      }
    }
  });
  return rescaled;
}

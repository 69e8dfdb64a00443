import { apply } from '../apply.js';
import type { Tensor } from '../tensor.js';

/** The coverage term of additiveEnergy: the attention so far [K, C] and its weight [A] (or [A, 1]). */
export interface EnergyCoverageTerm {
  coverage: Tensor;
  weight: Tensor;
}

/**
 * Additive attention energies [K, C] (Bahdanau et al. 2015; Show, Attend and Tell 4.2.2), one op for
 * `matmul(tanh(keys + unsqueeze(query, 1) + coverage w), v)`: `e[k, c] = sum_a v[a] tanh(keys[b, c, a] +
 * query[k, a] + coverage[k, c] w[a])` for keys [K, C, A] (b = k) or [1, C, A] (b = 0: one image's keys
 * for K beam hypotheses), query [K, A] and v [A] or [1, A] (a Linear(A, 1)'s weight).
 */
export function additiveEnergy(
  keys: Tensor,
  query: Tensor,
  v: Tensor,
  coverage: EnergyCoverageTerm | null = null,
): Tensor {
  return apply(
    'additiveEnergy',
    coverage ? [keys, query, v, coverage.coverage, coverage.weight] : [keys, query, v],
    {},
  );
}

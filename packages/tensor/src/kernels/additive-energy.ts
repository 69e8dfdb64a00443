import type { Storage } from '../storage.js';
import { tanhForward } from './tanh.js';
import { requireLength } from './validate.js';

// Additive attention energies (Bahdanau et al. 2015; Show, Attend and Tell 4.2.2) with an optional
// coverage term (Tu et al. 2016): e[k, c] = sum_a v[a] tanh(keys[b, c, a] + query[k, a] + cov[k, c] w[a]),
// b = k, or 0 when one image's keys serve every query (beam search).

/** K queries over C cells of A features; `sharedKeys` when keys hold one row [1, C, A] for every query. */
export interface EnergyDims {
  queries: number;
  cells: number;
  features: number;
  sharedKeys: boolean;
}

/** The coverage term: coverage [K, C] and its weight [A]. */
export interface EnergyCoverage {
  coverage: Storage;
  weight: Storage;
}

export interface EnergyGrads {
  dv: Float64Array;
  dweight: Float64Array | null;
}

function checkOperands(op: string, dims: EnergyDims, v: Storage, cov: EnergyCoverage | null) {
  const { queries, cells, features } = dims;
  requireLength(op, 'v', v, features);
  if (cov) {
    requireLength(op, 'coverage', cov.coverage, queries * cells);
    requireLength(op, 'coverage weight', cov.weight, features);
  }
}

const keyRows = (dims: EnergyDims) => (dims.sharedKeys ? 1 : dims.queries);

/**
 * Energies into `out` [K, C], and the tanh values into `t` [K, C, A] for the backward. Works one query
 * at a time so its C x A block of pre-activations is still in cache when tanh and the dot with v read it.
 */
export function additiveEnergyForward(
  keys: Storage,
  query: Storage,
  v: Storage,
  cov: EnergyCoverage | null,
  dims: EnergyDims,
  t: Storage,
  out: Storage,
): void {
  const { queries, cells, features } = dims;
  const block = cells * features;
  checkOperands('additiveEnergyForward', dims, v, cov);
  requireLength('additiveEnergyForward', 'query', query, queries * features);
  requireLength('additiveEnergyForward', 'keys', keys, keyRows(dims) * block);
  requireLength('additiveEnergyForward', 't', t, queries * block);
  requireLength('additiveEnergyForward', 'out', out, queries * cells);
  for (let k = 0; k < queries; k++) {
    const keyBase = dims.sharedKeys ? 0 : k * block;
    const q = k * features;
    const pre = t.subarray(k * block, (k + 1) * block);
    for (let c = 0; c < cells; c++) {
      const row = c * features;
      const key = keyBase + row;
      if (cov) {
        const amount = cov.coverage[k * cells + c]!;
        const w = cov.weight;
        for (let a = 0; a < features; a++) pre[row + a] = keys[key + a]! + query[q + a]! + amount * w[a]!;
      } else {
        for (let a = 0; a < features; a++) pre[row + a] = keys[key + a]! + query[q + a]!;
      }
    }
    tanhForward(pre, pre);
    for (let c = 0; c < cells; c++) {
      const row = c * features;
      let e = 0;
      for (let a = 0; a < features; a++) e += v[a]! * pre[row + a]!;
      out[k * cells + c] = e;
    }
  }
}

/**
 * One pass over the saved tanh values `t`: with d = g[k, c] v[a] (1 - t^2), dkeys += d (summed over the
 * queries for shared keys), dquery = sum_c d, dcoverage = sum_a d w[a]; returns dv = sum_{k,c} g t and
 * dweight = sum_{k,c} d cov, accumulated in float64. `dkeys` must come zeroed.
 */
export function additiveEnergyBackward(
  g: Storage,
  t: Storage,
  v: Storage,
  cov: EnergyCoverage | null,
  dims: EnergyDims,
  dkeys: Storage,
  dquery: Storage,
  dcoverage: Storage | null,
): EnergyGrads {
  const { queries, cells, features } = dims;
  const block = cells * features;
  checkOperands('additiveEnergyBackward', dims, v, cov);
  requireLength('additiveEnergyBackward', 'dquery', dquery, queries * features);
  requireLength('additiveEnergyBackward', 'g', g, queries * cells);
  requireLength('additiveEnergyBackward', 't', t, queries * block);
  requireLength('additiveEnergyBackward', 'dkeys', dkeys, keyRows(dims) * block);
  if (cov && dcoverage?.length !== queries * cells) {
    throw new RangeError('additiveEnergyBackward: coverage needs dcoverage of length queries x cells');
  }
  const dv = new Float64Array(features);
  const dweight = cov ? new Float64Array(features) : null;
  const dq = new Float64Array(features);
  for (let k = 0; k < queries; k++) {
    const keyBase = dims.sharedKeys ? 0 : k * block;
    dq.fill(0);
    for (let c = 0; c < cells; c++) {
      const gk = g[k * cells + c]!;
      const tanhRow = (k * cells + c) * features;
      const key = keyBase + c * features;
      if (cov && dweight && dcoverage) {
        const amount = cov.coverage[k * cells + c]!;
        const w = cov.weight;
        let dc = 0;
        for (let a = 0; a < features; a++) {
          const th = t[tanhRow + a]!;
          const d = gk * v[a]! * (1 - th * th);
          dv[a]! += gk * th;
          dkeys[key + a]! += d;
          dq[a]! += d;
          dc += d * w[a]!;
          dweight[a]! += d * amount;
        }
        dcoverage[k * cells + c] = dc;
      } else {
        for (let a = 0; a < features; a++) {
          const th = t[tanhRow + a]!;
          const d = gk * v[a]! * (1 - th * th);
          dv[a]! += gk * th;
          dkeys[key + a]! += d;
          dq[a]! += d;
        }
      }
    }
    dquery.set(dq, k * features);
  }
  return { dv, dweight };
}

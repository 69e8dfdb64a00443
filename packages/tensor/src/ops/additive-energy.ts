import {
  additiveEnergyBackward,
  additiveEnergyForward,
  type EnergyCoverage,
  type EnergyDims,
} from '../kernels/additive-energy.js';
import { allocate, allocateUnzeroed, type DType, type Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { convDType, valuesAs } from './conv-inputs.js';
import { defineOp, input, type NoAttrs } from './op.js';

interface Saved {
  inputs: readonly Tensor[];
  dims: EnergyDims;
  /** tanh of the pre-activations, [K, C, A]. */
  t: Storage;
}

const shapeOf = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** [n], or [1, n] (a Linear(n, 1)'s weight). */
const isRow = (t: Tensor, n: number) =>
  (t.ndim === 1 && t.shape[0] === n) || (t.ndim === 2 && t.shape[0] === 1 && t.shape[1] === n);
/** [n], or [n, 1] (a Linear(1, n)'s weight). */
const isColumn = (t: Tensor, n: number) =>
  (t.ndim === 1 && t.shape[0] === n) || (t.ndim === 2 && t.shape[0] === n && t.shape[1] === 1);

/** Checks keys [K or 1, C, A], query [K, A], v [A] or [1, A], and optionally coverage [K, C] with weight [A] or [A, 1]. */
function energyDims(inputs: readonly Tensor[]): EnergyDims {
  const keys = input(inputs, 0);
  const query = input(inputs, 1);
  const v = input(inputs, 2);
  const [coverage, weight] = inputs.slice(3);
  const [b, cells, features] = keys.shape as [number, number, number];
  const queries = query.shape[0]!;
  const fits =
    keys.ndim === 3 &&
    query.ndim === 2 &&
    query.shape[1] === features &&
    (b === queries || b === 1) &&
    isRow(v, features) &&
    (inputs.length === 3 ||
      (inputs.length === 5 &&
        coverage!.ndim === 2 &&
        coverage!.shape[0] === queries &&
        coverage!.shape[1] === cells &&
        isColumn(weight!, features)));
  if (!fits) {
    const names = ['keys', 'query', 'v', 'coverage', 'coverage weight'];
    throw new RangeError(
      `additiveEnergy: ${inputs.map((t, i) => `${names[i]} ${shapeOf(t)}`).join(', ')} do not fit keys ` +
        '[K or 1, C, A], query [K, A], v [A] or [1, A], and optionally coverage [K, C] with weight [A] or [A, 1]',
    );
  }
  return { queries, cells, features, sharedKeys: b !== queries };
}

function coverageOf(inputs: readonly Tensor[], dtype: DType): EnergyCoverage | null {
  const [coverage, weight] = inputs.slice(3);
  return coverage && weight ? { coverage: valuesAs(coverage, dtype), weight: valuesAs(weight, dtype) } : null;
}

function vector(values: Float64Array, dtype: DType, shape: readonly number[]): Tensor {
  const data = allocate(dtype, values.length);
  data.set(values);
  return new Tensor(data, shape);
}

/**
 * Additive attention energies e[k, c] = v · tanh(keys[b, c] + query[k] + coverage[k, c] weight), b = k or 0
 * (kernels/additive-energy.ts): one pass forward keeping the tanh values, one pass backward for every input.
 */
export const additiveEnergyOp = defineOp<NoAttrs, Saved>({
  saves: ['inputs', 'dims', 't'],
  forward(inputs) {
    const dims = energyDims(inputs);
    const dtype = convDType(inputs);
    const [keys, query, v] = inputs as [Tensor, Tensor, Tensor];
    const t = allocateUnzeroed(dtype, dims.queries * dims.cells * dims.features);
    const out = allocateUnzeroed(dtype, dims.queries * dims.cells);
    additiveEnergyForward(
      valuesAs(keys, dtype),
      valuesAs(query, dtype),
      valuesAs(v, dtype),
      coverageOf(inputs, dtype),
      dims,
      t,
      out,
    );
    return { out: new Tensor(out, [dims.queries, dims.cells]), saved: { inputs, dims, t } };
  },
  backward(g, { inputs, dims, t }) {
    const dtype = g.dtype;
    const [keys, query, v, coverage, weight] = inputs as [Tensor, Tensor, Tensor, Tensor?, Tensor?];
    const dkeys = allocate(dtype, keys.size);
    const dquery = allocateUnzeroed(dtype, query.size);
    const dcoverage = coverage ? allocateUnzeroed(dtype, coverage.size) : null;
    const { dv, dweight } = additiveEnergyBackward(
      g.values(),
      t,
      valuesAs(v, dtype),
      coverageOf(inputs, dtype),
      dims,
      dkeys,
      dquery,
      dcoverage,
    );
    return [
      new Tensor(dkeys, keys.shape),
      new Tensor(dquery, query.shape),
      vector(dv, dtype, v.shape),
      coverage && dcoverage ? new Tensor(dcoverage, coverage.shape) : null,
      weight && dweight ? vector(dweight, dtype, weight.shape) : null,
    ];
  },
});

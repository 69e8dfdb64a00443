import * as T from '@ocellus/tensor';
import { type DType, Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { maxScaledError } from './scaled-error.js';

// additiveEnergy against the unfused expression it replaces, and element-wise gradient checks, on odd
// shapes: K = 3 queries, C = 7 cells, A = 5 features; keys per query (B = K) or shared (B = 1).
const K = 3;
const C = 7;
const A = 5;

interface Case {
  name: string;
  b: number;
  coverage: boolean;
  /** v as [A] or as a Linear(A, 1)'s weight [1, A]; the coverage weight as [A] or [A, 1]. */
  linearShapes: boolean;
}

const cases: Case[] = [
  { name: 'keys per query, no coverage', b: K, coverage: false, linearShapes: false },
  { name: 'shared keys, no coverage', b: 1, coverage: false, linearShapes: true },
  { name: 'keys per query, coverage', b: K, coverage: true, linearShapes: true },
  { name: 'shared keys, coverage', b: 1, coverage: true, linearShapes: false },
];

function inputsOf(c: Case, dtype: DType, seed: number): Tensor[] {
  const rng = new Rng(seed);
  const r = (shape: number[], low = -1, high = 1) => T.rand(shape, rng, { dtype, low, high });
  const inputs = [r([c.b, C, A]), r([K, A]), r(c.linearShapes ? [1, A] : [A], -2, 2)];
  if (c.coverage) inputs.push(r([K, C], 0, 2), r(c.linearShapes ? [A, 1] : [A]));
  return inputs;
}

const fused = (keys: Tensor, query: Tensor, v: Tensor, coverage?: Tensor, weight?: Tensor) =>
  T.additiveEnergy(keys, query, v, coverage && weight ? { coverage, weight } : null);

/** The same energies from add, unsqueeze, mul, tanh and matmul. */
function composed(keys: Tensor, query: Tensor, v: Tensor, coverage?: Tensor, weight?: Tensor): Tensor {
  let pre = T.add(keys, T.unsqueeze(query, 1));
  if (coverage && weight) pre = T.add(pre, T.mul(T.unsqueeze(coverage, 2), T.reshape(weight, [A])));
  return T.reshape(T.matmul(T.tanh(pre), T.reshape(v, [A, 1])), [K, C]);
}

/** The output and the gradients of sum(out * upstream) with respect to every input. */
function run(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], upstream: Tensor): Tensor[] {
  const leaves = inputs.map((t) => T.tensor(t.values(), t.shape, { dtype: t.dtype, requiresGrad: true }));
  const out = fn(...leaves);
  T.sum(T.mul(out, upstream)).backward();
  return [out, ...leaves.map((t) => t.grad!)];
}

describe('additiveEnergy', () => {
  it.each([
    ['float32', 2e-6],
    ['float64', 1e-12],
  ] as const)('matches the unfused ops in %s, values and every gradient', (dtype, tol) => {
    for (const c of cases) {
      const inputs = inputsOf(c, dtype, 5);
      const upstream = T.rand([K, C], new Rng(6), { dtype, low: -1, high: 1 });
      const a = run(fused, inputs, upstream);
      const b = run(composed, inputs, upstream);
      expect(a[0]!.dtype).toBe(dtype);
      a.forEach((t, i) => {
        expect(
          maxScaledError(t, b[i]!),
          `${c.name}: ${i === 0 ? 'energies' : `gradient ${i - 1}`}`,
        ).toBeLessThan(tol);
      });
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    'passes an element-wise gradient check in float64 for every input: %s',
    (_name, c) => {
      const inputs = inputsOf(c, 'float64', 9);
      const result = T.gradCheck(fused, inputs);
      expect(result.checked).toBe(inputs.reduce((n, t) => n + t.size, 0));
      expect(Math.max(...result.perInput)).toBeLessThan(1e-7);
    },
  );

  it('sums the gradient of shared keys over the queries', () => {
    const c = cases[1]!;
    const inputs = inputsOf(c, 'float64', 3);
    const upstream = T.rand([K, C], new Rng(4), { dtype: 'float64' });
    const shared = run(fused, inputs, upstream)[1]!;
    const expanded = [T.contiguous(T.expand(inputs[0]!, [K, C, A])), ...inputs.slice(1)];
    const perQuery = run(fused, expanded, upstream)[1]!;
    expect(maxScaledError(shared, T.sum(perQuery, 0, true))).toBeLessThan(1e-14);
  });

  it('refuses mismatched shapes with a RangeError naming the op and the shapes', () => {
    const r = (shape: number[]) => T.zeros(shape);
    expect(() => T.additiveEnergy(r([2, C, A]), r([K, A]), r([A]))).toThrow(
      /^additiveEnergy: keys \[2, 7, 5\], query \[3, 5\], v \[5\] do not fit/,
    );
    expect(() => T.additiveEnergy(r([K, C, A]), r([K, A + 1]), r([A]))).toThrow(RangeError);
    expect(() => T.additiveEnergy(r([K, C, A]), r([K, A]), r([A, 1]))).toThrow(/v \[5, 1\]/);
    expect(() => T.additiveEnergy(r([C, A]), r([K, A]), r([A]))).toThrow(RangeError);
    expect(() =>
      T.additiveEnergy(r([K, C, A]), r([K, A]), r([A]), { coverage: r([K, C + 1]), weight: r([A]) }),
    ).toThrow(/coverage \[3, 8\], coverage weight \[5\]/);
    expect(() =>
      T.additiveEnergy(r([K, C, A]), r([K, A]), r([A]), { coverage: r([K, C]), weight: r([1, A]) }),
    ).toThrow(RangeError);
  });
});

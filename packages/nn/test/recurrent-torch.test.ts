import { readFileSync } from 'node:fs';
import { lstmForward, rnnForward } from '@ocellus/nn/recurrent';
import { add, type DType, mul, sum, type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { logError } from './layers-helpers.js';

// Written by fixtures/recurrent.py with torch 1.13 in float64; the script documents the layout mapping.
interface Dims {
  N: number;
  T: number;
  D: number;
  H: number;
}
interface RnnFixture extends Dims {
  x: number[];
  h0: number[];
  weightXH: number[];
  weightHH: number[];
  bias: number[];
  upstreamOutput: number[];
  upstreamH: number[];
  output: number[];
  h: number[];
  grad: Record<'x' | 'h0' | 'weightXH' | 'weightHH' | 'bias', number[]>;
}
interface LstmFixture extends Dims {
  x: number[];
  h0: number[];
  c0: number[];
  weight: number[];
  bias: number[];
  upstreamOutput: number[];
  upstreamH: number[];
  upstreamC: number[];
  output: number[];
  h: number[];
  c: number[];
  grad: Record<'x' | 'h0' | 'c0' | 'weight' | 'bias', number[]>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/recurrent.json', import.meta.url), 'utf8')) as {
  rnn: RnnFixture;
  lstm: LstmFixture;
};

/** max |a - b| / max(|b|, 1): relative for values above 1, absolute below. */
function maxError(actual: Tensor | null, expected: number[]): number {
  if (!actual) return Number.POSITIVE_INFINITY;
  const a = actual.values();
  expect(a.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, i) => {
    worst = Math.max(worst, Math.abs(a[i]! - e) / Math.max(Math.abs(e), 1));
  });
  return worst;
}

const leaf = (values: number[], shape: number[], dtype: DType) =>
  tensor(values, shape, { dtype, requiresGrad: true });

// float32 keeps ~7 digits (measured worst 5e-7 over 5 steps); float64 meets the fixture's 9-digit
// rounding (measured worst 2e-8).
const tolerance: Record<DType, number> = { float32: 1e-5, float64: 1e-7 };

describe.each(['float32', 'float64'] as const)('torch.nn parity in %s', (dtype) => {
  it('LSTM: outputs, last h and c, and the gradients of x, h0, c0, weight and bias', () => {
    const f = fixture.lstm;
    const x = leaf(f.x, [f.N, f.T, f.D], dtype);
    const h0 = leaf(f.h0, [f.N, f.H], dtype);
    const c0 = leaf(f.c0, [f.N, f.H], dtype);
    const weight = leaf(f.weight, [4 * f.H, f.H + f.D], dtype);
    const bias = leaf(f.bias, [4 * f.H], dtype);
    const out = lstmForward(x, { h: h0, c: c0 }, { weight, bias });
    const up = (v: number[], shape: number[]) => tensor(v, shape, { dtype });
    const loss = add(
      add(
        sum(mul(out.output, up(f.upstreamOutput, [f.N, f.T, f.H]))),
        sum(mul(out.h, up(f.upstreamH, [f.N, f.H]))),
      ),
      sum(mul(out.c, up(f.upstreamC, [f.N, f.H]))),
    );
    loss.backward();
    const errors = {
      output: maxError(out.output, f.output),
      h: maxError(out.h, f.h),
      c: maxError(out.c, f.c),
      dx: maxError(x.grad, f.grad.x),
      dh0: maxError(h0.grad, f.grad.h0),
      dc0: maxError(c0.grad, f.grad.c0),
      dweight: maxError(weight.grad, f.grad.weight),
      dbias: maxError(bias.grad, f.grad.bias),
    };
    logError(`LSTM [${dtype}]`, 'parity', Math.max(...Object.values(errors)));
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(tolerance[dtype]);
  });

  it('RNN: outputs, last h, and the gradients of x, h0, both weights and bias', () => {
    const f = fixture.rnn;
    const x = leaf(f.x, [f.N, f.T, f.D], dtype);
    const h0 = leaf(f.h0, [f.N, f.H], dtype);
    const weightXH = leaf(f.weightXH, [f.H, f.D], dtype);
    const weightHH = leaf(f.weightHH, [f.H, f.H], dtype);
    const bias = leaf(f.bias, [f.H], dtype);
    const out = rnnForward(x, h0, { weightXH, weightHH, bias });
    const up = (v: number[], shape: number[]) => tensor(v, shape, { dtype });
    const loss = add(
      sum(mul(out.output, up(f.upstreamOutput, [f.N, f.T, f.H]))),
      sum(mul(out.h, up(f.upstreamH, [f.N, f.H]))),
    );
    loss.backward();
    const errors = {
      output: maxError(out.output, f.output),
      h: maxError(out.h, f.h),
      dx: maxError(x.grad, f.grad.x),
      dh0: maxError(h0.grad, f.grad.h0),
      dweightXH: maxError(weightXH.grad, f.grad.weightXH),
      dweightHH: maxError(weightHH.grad, f.grad.weightHH),
      dbias: maxError(bias.grad, f.grad.bias),
    };
    logError(`RNN [${dtype}]`, 'parity', Math.max(...Object.values(errors)));
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(tolerance[dtype]);
  });
});

import {
  LSTM,
  type LstmParams,
  lstmForward,
  lstmStep,
  RNN,
  type RnnParams,
  rnnForward,
  rnnStep,
} from '@ocellus/nn/recurrent';
import { concat, gradCheck, Rng, rand, reshape, slice, squeeze, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { logError } from './layers-helpers.js';

const N = 2;
const T = 5;
const D = 3;
const H = 4;

const r = (rng: Rng, shape: number[], scale = 1) =>
  rand(shape, rng, { dtype: 'float64', low: -scale, high: scale });
const flat = (...ts: Tensor[]) => concat(ts.map((t) => reshape(t, [-1])));
const close = (a: Tensor, b: Tensor) => {
  const av = a.values();
  const bv = b.values();
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < av.length; i++) worst = Math.max(worst, Math.abs(av[i]! - bv[i]!));
  return worst;
};

describe('LSTM gradients (float64 central differences)', () => {
  // Five composed steps: weight entries with |grad| ~ 1e-5 meet the ~1e-11 round-off of the
  // difference quotient, so the sequence gets 1e-6 (REFERENCE.md: 1e-7 per op, 1e-5 per small net).
  it('checks x, h0, c0, the concatenated weight and the bias over 5 steps', () => {
    const rng = new Rng(11);
    const inputs = [
      r(rng, [N, T, D]),
      r(rng, [N, H]),
      r(rng, [N, H]),
      r(rng, [4 * H, H + D], 0.5),
      r(rng, [4 * H]),
    ];
    const fn = (x: Tensor, h0: Tensor, c0: Tensor, weight: Tensor, bias: Tensor) => {
      const out = lstmForward(x, { h: h0, c: c0 }, { weight, bias });
      return flat(out.output, out.h, out.c);
    };
    const result = gradCheck(fn as (...xs: Tensor[]) => Tensor, inputs);
    expect(result.checked).toBe(N * T * D + 2 * N * H + 4 * H * (H + D) + 4 * H);
    logError('LSTM (5 steps)', 'grad', result.maxRelError);
    for (const e of result.perInput) expect(e).toBeLessThan(1e-6);
    const w = result.worst!;
    expect(Math.abs(w.analytic - w.numeric)).toBeLessThan(1e-10);
  });

  it('checks one step of the cell', () => {
    const rng = new Rng(12);
    const inputs = [r(rng, [N, D]), r(rng, [N, H]), r(rng, [N, H]), r(rng, [4 * H, H + D]), r(rng, [4 * H])];
    const fn = (x: Tensor, h: Tensor, c: Tensor, weight: Tensor, bias: Tensor) => {
      const next = lstmStep(x, { h, c }, { weight, bias });
      return flat(next.h, next.c);
    };
    const { maxRelError } = gradCheck(fn as (...xs: Tensor[]) => Tensor, inputs);
    logError('LSTM cell (1 step)', 'grad', maxRelError);
    expect(maxRelError).toBeLessThan(1e-7);
  });
});

describe('RNN gradients (float64 central differences)', () => {
  it('checks x, h0, both weights and the bias over 5 steps', () => {
    const rng = new Rng(13);
    const inputs = [r(rng, [N, T, D]), r(rng, [N, H]), r(rng, [H, D]), r(rng, [H, H], 0.6), r(rng, [H])];
    const fn = (x: Tensor, h0: Tensor, weightXH: Tensor, weightHH: Tensor, bias: Tensor) => {
      const out = rnnForward(x, h0, { weightXH, weightHH, bias });
      return flat(out.output, out.h);
    };
    const result = gradCheck(fn as (...xs: Tensor[]) => Tensor, inputs);
    logError('RNN (5 steps)', 'grad', result.maxRelError);
    for (const e of result.perInput) expect(e).toBeLessThan(1e-7);
  });
});

describe('sequence forward against the step function', () => {
  it('LSTM: the hoisted-GEMM sequence equals stepping the cell with [h; x]', () => {
    const rng = new Rng(21);
    const x = r(rng, [N, T, D]);
    const p: LstmParams = { weight: r(rng, [4 * H, H + D]), bias: r(rng, [4 * H]) };
    let state = { h: r(rng, [N, H]), c: r(rng, [N, H]) };
    const seq = lstmForward(x, state, p);
    for (let t = 0; t < T; t++) {
      state = lstmStep(squeeze(slice(x, [null, [t, t + 1], null]), 1), state, p);
      expect(close(squeeze(slice(seq.output, [null, [t, t + 1], null]), 1), state.h)).toBeLessThan(1e-12);
    }
    expect(close(seq.h, state.h)).toBeLessThan(1e-12);
    expect(close(seq.c, state.c)).toBeLessThan(1e-12);
  });

  it('RNN: the sequence equals stepping the cell', () => {
    const rng = new Rng(22);
    const x = r(rng, [N, T, D]);
    const p: RnnParams = { weightXH: r(rng, [H, D]), weightHH: r(rng, [H, H]), bias: r(rng, [H]) };
    let h = r(rng, [N, H]);
    const seq = rnnForward(x, h, p);
    for (let t = 0; t < T; t++) h = rnnStep(squeeze(slice(x, [null, [t, t + 1], null]), 1), h, p);
    expect(close(seq.h, h)).toBeLessThan(1e-12);
  });

  it('LSTM gates follow the i, f, o, g row order of the notes', () => {
    // With W = 0, the gates are σ(b_i), σ(b_f), σ(b_o), tanh(b_g): c = σ(b_f) c0 + σ(b_i) tanh(b_g).
    const zerosW = rand([4, 1 + 1], new Rng(0), { dtype: 'float64', low: 0, high: 0 });
    const bias = rand([4], new Rng(0), { dtype: 'float64', low: 0, high: 0 });
    bias.data.set([0.3, -0.7, 1.1, 0.5]);
    const c0 = rand([1, 1], new Rng(0), { dtype: 'float64', low: 2, high: 2 });
    const h0 = rand([1, 1], new Rng(0), { dtype: 'float64', low: 0, high: 0 });
    const x = rand([1, 1], new Rng(0), { dtype: 'float64', low: 0, high: 0 });
    const next = lstmStep(x, { h: h0, c: c0 }, { weight: zerosW, bias });
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const c = sig(-0.7) * 2 + sig(0.3) * Math.tanh(0.5);
    expect(next.c.item()).toBeCloseTo(c, 12);
    expect(next.h.item()).toBeCloseTo(sig(1.1) * Math.tanh(c), 12);
  });
});

describe('RNN and LSTM modules', () => {
  it('register their parameters by name with the documented shapes', () => {
    const lstm = new LSTM(D, H, { seed: 1 });
    expect(lstm.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([
      ['weight', [4 * H, H + D]],
      ['bias', [4 * H]],
    ]);
    expect(lstm.regularizedParameters()).toEqual([lstm.weight]);
    const rnn = new RNN(D, H, { seed: 1 });
    expect(rnn.namedParameters().map(([n, t]) => [n, t.shape])).toEqual([
      ['weight_xh', [H, D]],
      ['weight_hh', [H, H]],
      ['bias', [H]],
    ]);
    expect(rnn.regularizedParameters()).toEqual([rnn.weightXH, rnn.weightHH]);
  });

  it('start from zero states and return [N, T, H] outputs', () => {
    const x = rand([N, T, D], new Rng(3));
    const lstm = new LSTM(D, H, { seed: 2 });
    const out = lstm.forward(x);
    expect(out.output.shape).toEqual([N, T, H]);
    const explicit = lstm.forward(x, lstm.initialState(N));
    expect(close(out.output, explicit.output)).toBe(0);
    const rnn = new RNN(D, H, { seed: 2 });
    expect(rnn.forward(x).output.shape).toEqual([N, T, H]);
    expect(rnn.step(squeeze(slice(x, [null, [0, 1], null]), 1), rnn.initialState(N)).shape).toEqual([N, H]);
  });

  it('initialise weights within U(±1/√H) from the seed', () => {
    const a = new LSTM(D, H, { seed: 5 }).weight.values();
    const b = new LSTM(D, H, { seed: 5 }).weight.values();
    expect(Array.from(a)).toEqual(Array.from(b));
    const bound = 1 / Math.sqrt(H);
    expect(Math.max(...Array.from(a, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(bound / 2);
  });

  it('refuse states and inputs of the wrong shape, naming them', () => {
    const lstm = new LSTM(D, H);
    const x = rand([N, T, D], new Rng(3));
    expect(() => lstm.forward(x, { h: rand([N, H + 1], new Rng(1)), c: rand([N, H], new Rng(1)) })).toThrow(
      /lstmForward h: expected \[2, 4\]/,
    );
    expect(() => lstm.forward(rand([N, T, D + 1], new Rng(1)))).toThrow(/does not fit H = 4, D = 4/);
    expect(() => new RNN(D, H).forward(rand([N, D], new Rng(1)))).toThrow(/expected a sequence \[N, T, D\]/);
  });
});

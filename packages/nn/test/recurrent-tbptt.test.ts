import {
  type LstmParams,
  type LstmState,
  lstmForward,
  rnnForward,
  truncatedBptt,
} from '@ocellus/nn/recurrent';
import { mul, Rng, rand, slice, sum, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const N = 2;
const D = 3;
const H = 4;

function problem(length: number, seed = 5) {
  const rng = new Rng(seed);
  const r = (shape: number[]) => rand(shape, rng, { dtype: 'float64', low: -1, high: 1 });
  return {
    x: r([N, length, D]).requireGrad(),
    h0: r([N, H]).requireGrad(),
    c0: r([N, H]).requireGrad(),
    p: { weight: r([4 * H, H + D]).requireGrad(), bias: r([4 * H]).requireGrad() } as LstmParams,
    upstream: r([N, length, H]),
  };
}
type Problem = ReturnType<typeof problem>;

/** Loss of steps [start, end): the outputs contracted with a fixed upstream gradient. */
function chunkLoss(pr: Problem, start: number, end: number, state: LstmState) {
  const out = lstmForward(slice(pr.x, [null, [start, end], null]), state, pr.p);
  return { loss: sum(mul(out.output, slice(pr.upstream, [null, [start, end], null]))), state: out };
}

const leaves = (pr: Problem) => [pr.x, pr.h0, pr.c0, pr.p.weight, pr.p.bias];
const grads = (pr: Problem) => leaves(pr).map((t) => Array.from(t.grad?.values() ?? []));
const clear = (pr: Problem) => {
  for (const t of leaves(pr)) t.zeroGrad();
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
/** Gradient of x at time steps [from, to) as a flat list. */
const xGradSteps = (pr: Problem, length: number, from: number, to: number) => {
  const g = pr.x.grad!.values();
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let t = from; t < to; t++) for (let d = 0; d < D; d++) out.push(g[(n * length + t) * D + d]!);
  return out;
};

describe('truncatedBptt', () => {
  it('equals full backpropagation through time when the chunk covers the sequence', () => {
    const length = 6;
    const pr = problem(length);
    chunkLoss(pr, 0, length, { h: pr.h0, c: pr.c0 }).loss.backward();
    const full = grads(pr);
    for (const chunk of [length, length + 4]) {
      clear(pr);
      const result = truncatedBptt({
        length,
        chunk,
        initial: { h: pr.h0, c: pr.c0 },
        run: (start, end, state) => chunkLoss(pr, start, end, state),
      });
      expect(result.losses).toHaveLength(1);
      grads(pr).forEach((g, i) => {
        expect(g.length).toBe(full[i]!.length);
        expect(maxDiff(g, full[i]!)).toBeLessThan(1e-12);
      });
    }
  });

  it('stops gradients at each chunk boundary and carries the state on detached', () => {
    const length = 6;
    const chunk = 3;
    const pr = problem(length);
    // Full BPTT: the second half's loss reaches the first half's inputs.
    chunkLoss(pr, 0, length, { h: pr.h0, c: pr.c0 }).loss.backward();
    const fullFirstHalf = xGradSteps(pr, length, 0, chunk);
    // The first chunk's loss alone, and the second's from the true state at step 3 held constant.
    clear(pr);
    const first = chunkLoss(pr, 0, chunk, { h: pr.h0, c: pr.c0 });
    first.loss.backward();
    const firstOnly = xGradSteps(pr, length, 0, chunk);
    const h0FirstOnly = Array.from(pr.h0.grad!.values());
    const carried = { h: first.state.h.detach(), c: first.state.c.detach() };
    chunkLoss(pr, chunk, length, carried).loss.backward();
    const expectedWeight = Array.from(pr.p.weight.grad!.values());
    const expectedSecondHalf = xGradSteps(pr, length, chunk, length);
    expect(maxDiff(fullFirstHalf, firstOnly)).toBeGreaterThan(1e-3);

    clear(pr);
    const seen: { start: number; end: number; requiresGrad: boolean }[] = [];
    const done: number[][] = [];
    const result = truncatedBptt({
      length,
      chunk,
      initial: { h: pr.h0, c: pr.c0 },
      run: (start, end, state) => {
        seen.push({ start, end, requiresGrad: state.h.requiresGrad || state.c.requiresGrad });
        return chunkLoss(pr, start, end, state);
      },
      afterBackward: (d) => done.push([d.index, d.start, d.end]),
    });
    expect(seen).toEqual([
      { start: 0, end: 3, requiresGrad: true },
      { start: 3, end: 6, requiresGrad: false },
    ]);
    expect(done).toEqual([
      [0, 0, 3],
      [1, 3, 6],
    ]);
    expect(maxDiff(xGradSteps(pr, length, 0, chunk), firstOnly)).toBeLessThan(1e-12);
    expect(maxDiff(xGradSteps(pr, length, chunk, length), expectedSecondHalf)).toBeLessThan(1e-12);
    expect(maxDiff(pr.h0.grad!.values(), h0FirstOnly)).toBeLessThan(1e-12);
    expect(maxDiff(pr.p.weight.grad!.values(), expectedWeight)).toBeLessThan(1e-12);
    expect(result.state.h.requiresGrad).toBe(false);
    expect(result.losses[0]).toBeCloseTo(first.loss.item(), 12);
  });

  it('runs a last short chunk and detaches a plain hidden tensor', () => {
    const rng = new Rng(9);
    const r = (shape: number[]) => rand(shape, rng, { dtype: 'float64', low: -1, high: 1 });
    const x = r([N, 7, D]);
    const p = { weightXH: r([H, D]).requireGrad(), weightHH: r([H, H]).requireGrad(), bias: r([H]) };
    const spans: [number, number, boolean][] = [];
    const result = truncatedBptt<Tensor>({
      length: 7,
      chunk: 3,
      initial: r([N, H]).requireGrad(),
      run: (start, end, h) => {
        spans.push([start, end, h.requiresGrad]);
        const out = rnnForward(slice(x, [null, [start, end], null]), h, p);
        return { loss: sum(out.output), state: out.h };
      },
    });
    expect(spans).toEqual([
      [0, 3, true],
      [3, 6, false],
      [6, 7, false],
    ]);
    expect(result.losses).toHaveLength(3);
    expect(p.weightHH.grad).not.toBeNull();
  });

  it('refuses a chunk below 1', () => {
    const pr = problem(4);
    expect(() =>
      truncatedBptt({
        length: 4,
        chunk: 0,
        initial: { h: pr.h0, c: pr.c0 },
        run: (s, e, st) => chunkLoss(pr, s, e, st),
      }),
    ).toThrow(/chunk must be >= 1/);
  });
});

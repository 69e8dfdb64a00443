import { add, forwardChain, mul, noGrad, relu, reshape, sum, type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const n = 5000; // above the shared-buffer size, as real activations
const input = () =>
  tensor(
    Array.from({ length: n }, (_, i) => Math.sin(i)),
    [50, 100],
  );
const snapshot = (t: Tensor) => Float32Array.from(t.values());

describe('forwardChain', () => {
  it('applies the steps in order', () => {
    const x = input();
    const steps = [(h: Tensor) => add(h, 1), (h: Tensor) => mul(h, 3), relu];
    const expected = snapshot(relu(mul(add(x, 1), 3)));
    expect(snapshot(noGrad(() => forwardChain(x, steps)))).toEqual(expected);
    expect(snapshot(forwardChain(x, steps))).toEqual(expected);
  });

  it('hands the intermediate buffers of an inference pass to the next allocations', () => {
    let intermediate: Tensor | undefined;
    const steps = [
      (h: Tensor) => {
        intermediate = relu(h);
        return intermediate;
      },
      (h: Tensor) => mul(h, 2),
    ];
    const x = input();
    noGrad(() => forwardChain(x, steps));
    const next = noGrad(() => add(x, 0));
    expect(next.data).toBe(intermediate?.data);
  });

  it('never recycles the input, a result that shares an intermediate buffer, or anything under autograd', () => {
    const x = input();
    const before = snapshot(x);
    const viewed = noGrad(() => forwardChain(x, [relu, (h) => reshape(h, [n])]));
    const kept = snapshot(viewed);
    const w = tensor(
      Array.from({ length: n }, (_, i) => Math.cos(i)),
      [50, 100],
      { requiresGrad: true },
    );
    const loss = forwardChain(w, [relu, (h) => mul(h, h)]);
    for (let i = 0; i < 4; i++) noGrad(() => forwardChain(input(), [relu, (h) => add(h, 5)]));
    expect(snapshot(x)).toEqual(before);
    expect(snapshot(viewed)).toEqual(kept);
    sum(loss).backward();
    const expected = Array.from(w.values(), (v) => (v > 0 ? 2 * v : 0));
    expect(Array.from(w.grad?.values() ?? [])).toEqual(Array.from(Float32Array.from(expected)));
  });
});

import { add, avgPool2d, matmul, mul, relu, sum, type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

// Backward recycles the gradient buffers it created once consumed; later allocations reuse them.
// Nothing still referenced may be handed out again, and reused buffers must come back zeroed.

const n = 96; // 96 x 96 = 9216 elements: large enough for the shared buffers of big tensors too.

function grads(seed: number): { a: Tensor; b: Tensor; c: Tensor } {
  const values = (k: number) => Array.from({ length: n * n }, (_, i) => Math.sin(seed + k + i * 0.37));
  const a = tensor(values(1), [n, n], { requiresGrad: true });
  const b = tensor(values(2), [n, n], { requiresGrad: true });
  const c = tensor(values(3), [n, n], { requiresGrad: true });
  const h = relu(matmul(a, b));
  // h feeds three paths and add() hands one gradient buffer to both of its inputs.
  sum(add(mul(h, c), add(h, h))).backward();
  return { a, b, c };
}

const snapshot = (t: Tensor | null) => Float32Array.from(t?.values() ?? []);

describe('gradient buffer recycling', () => {
  it('leaves every .grad untouched while later passes reuse the freed buffers', () => {
    const first = grads(0);
    const saved = [first.a.grad, first.b.grad, first.c.grad].map(snapshot);
    for (let seed = 1; seed < 4; seed++) grads(seed);
    expect([first.a.grad, first.b.grad, first.c.grad].map(snapshot)).toEqual(saved);
  });

  it('computes the same gradients on freshly reused buffers as the first time', () => {
    const once = grads(5);
    const again = grads(5);
    expect(snapshot(again.a.grad)).toEqual(snapshot(once.a.grad));
    expect(snapshot(again.b.grad)).toEqual(snapshot(once.b.grad));
    expect(snapshot(again.c.grad)).toEqual(snapshot(once.c.grad));
  });

  it('hands out zeroed buffers after recycling', () => {
    // avgPool2d's backward adds into the buffer it allocates; with a 1x1 window it is the identity, so
    // the second pool's backward reuses the first one's consumed gradient and must see zeros there.
    const c = tensor(
      Array.from({ length: n * n }, (_, i) => Math.cos(i)),
      [1, 1, n, n],
    );
    const x = tensor(new Array(n * n).fill(1), [1, 1, n, n], { requiresGrad: true });
    sum(mul(avgPool2d(avgPool2d(x, 1), 1), c)).backward();
    expect(snapshot(x.grad)).toEqual(snapshot(c));
  });
});

import {
  allocate,
  forwardChain,
  matmul,
  noGrad,
  releasingTemporaries,
  relu,
  type Storage,
  Tensor,
  tensor,
} from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const SIZE = 5000;
const fresh = () => allocate('float32', SIZE);

describe('releasingTemporaries', () => {
  it('hands back the buffers made inside that the result does not hold, and only those', () => {
    const outside = fresh();
    let dead: Storage | undefined;
    let kept: Storage[] = [];
    const result = releasingTemporaries(() => {
      dead = fresh();
      const [a, b, c, d] = [fresh(), fresh(), fresh(), fresh()];
      kept = [a, b, c, d];
      const view = new Float32Array(c.buffer, 8, 10);
      return { tensor: new Tensor(a, [SIZE]), list: [[b]], view, map: new Map([['d', { deep: d }]]) };
    });
    expect(result.view.length).toBe(10);
    const next = [fresh(), fresh(), fresh()];
    expect(next).toContain(dead);
    for (const buffer of [outside, ...kept]) expect(next).not.toContain(buffer);
  });

  it('hands out each buffer once when scopes nest (inner scopes and chains hand back before the outer one)', () => {
    const x = new Tensor(fresh(), [SIZE]);
    releasingTemporaries(() => {
      releasingTemporaries(() => {
        fresh();
        fresh();
        return null;
      });
      noGrad(() => forwardChain(x, [(h) => relu(h), (h) => relu(h), (h) => relu(h)]));
      return null;
    });
    const next = Array.from({ length: 6 }, fresh);
    expect(new Set(next).size).toBe(next.length);
  });

  it('gives the same values when a network pass reuses the memory of the pass before', () => {
    const w = tensor(
      Array.from({ length: 64 }, (_, i) => Math.sin(i)),
      [8, 8],
    );
    const pass = (x: Tensor) =>
      releasingTemporaries(() =>
        noGrad(() =>
          matmul(relu(matmul(x, w)), w)
            .values()
            .slice(),
        ),
      );
    const x1 = tensor(
      Array.from({ length: 800 }, (_, i) => Math.cos(i)),
      [100, 8],
    );
    const x2 = tensor(
      Array.from({ length: 800 }, (_, i) => Math.sin(3 * i)),
      [100, 8],
    );
    const first = pass(x1);
    pass(x2);
    expect(pass(x1)).toEqual(first);
  });
});

import * as T from '@ocellus/tensor';
import { tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

describe('elementwise ops with broadcasting', () => {
  it('broadcasts [2,1] against [3] to [2,3]', () => {
    const out = T.add(tensor([[1], [10]]), tensor([1, 2, 3]));
    expect(out.shape).toEqual([2, 3]);
    expect(out.toArray()).toEqual([
      [2, 3, 4],
      [11, 12, 13],
    ]);
  });

  it('refuses shapes that cannot broadcast, naming both', () => {
    expect(() => T.add(T.zeros([2, 3]), T.zeros([4]))).toThrow(/\[2, 3\] and \[4\]/);
  });

  it('reads strided views (transpose, slice, expand) correctly', () => {
    const x = T.reshape(T.arange(6), [2, 3]);
    expect(T.mul(T.transpose(x), 1).toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(T.slice(x, [null, [0, 3, 2]]).toArray()).toEqual([
      [0, 2],
      [3, 5],
    ]);
    expect(T.add(T.expand(tensor([[1], [2]]), [2, 2]), 0).toArray()).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('computes comparisons, where, clamp and the unary functions', () => {
    const x = tensor([-2, 0, 3]);
    expect(T.gt(x, 0).toArray()).toEqual([0, 0, 1]);
    expect(T.le(x, 0).toArray()).toEqual([1, 1, 0]);
    expect(T.where(T.lt(x, 0), 0, x).toArray()).toEqual([0, 0, 3]);
    expect(T.clamp(x, -1, 1).toArray()).toEqual([-1, 0, 1]);
    expect(T.relu(x).toArray()).toEqual([0, 0, 3]);
    expect(T.sign(x).toArray()).toEqual([-1, 0, 1]);
    expect(T.abs(x).toArray()).toEqual([2, 0, 3]);
    expect(T.sigmoid(tensor([-1000, 0, 1000])).toArray()).toEqual([0, 0.5, 1]);
  });

  it('keeps float64 when either operand is float64', () => {
    expect(T.add(T.ones([2]), T.ones([2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(T.mul(T.ones([2]), 3).dtype).toBe('float32');
  });
});

describe('reductions', () => {
  const x = T.reshape(T.arange(24), [2, 3, 4]);

  it('sums over any axes, with and without keepDims', () => {
    expect(T.sum(x).item()).toBe(276);
    expect(T.sum(x, [0, 2]).toArray()).toEqual([60, 92, 124]);
    expect(T.sum(x, -1, true).shape).toEqual([2, 3, 1]);
    expect(T.sum(T.transpose(x, 0, 2), 0).toArray()).toEqual(T.transpose(T.sum(x, 2)).toArray());
  });

  it('takes max, min, mean, variance, argmax', () => {
    expect(T.max(x, 1).toArray()).toEqual([
      [8, 9, 10, 11],
      [20, 21, 22, 23],
    ]);
    expect(T.min(x, [1, 2]).toArray()).toEqual([0, 12]);
    expect(T.mean(x, 2).toArray()).toEqual([
      [1.5, 5.5, 9.5],
      [13.5, 17.5, 21.5],
    ]);
    expect(T.variance(tensor([1, 2, 3, 4])).item()).toBeCloseTo(1.25, 6);
    expect(T.variance(tensor([1, 2, 3, 4]), undefined, false, 1).item()).toBeCloseTo(5 / 3, 6);
    expect(
      T.argmax(
        tensor([
          [1, 5, 5],
          [7, 0, 2],
        ]),
        1,
      ).toArray(),
    ).toEqual([1, 0]);
    expect(
      T.argmin(
        tensor([
          [1, 5, 5],
          [7, 0, 2],
        ]),
        0,
      ).toArray(),
    ).toEqual([0, 1, 1]);
  });

  it('softmax rows sum to one and survive huge logits', () => {
    const s = T.softmax(
      tensor([
        [1000, 1001, 1002],
        [-5, 0, 5],
      ]),
    );
    const rows = T.sum(s, 1).toArray() as number[];
    for (const v of rows) expect(v).toBeCloseTo(1, 6);
    expect((s.toArray() as number[][])[0]![2]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(1) + Math.exp(2)), 6);
    expect(T.logsumexp(tensor([1000, 1000])).item()).toBeCloseTo(1000 + Math.log(2), 3);
  });

  it('logSoftmax keeps its digits in float32 for large logits', () => {
    // x - logsumexp(x) would subtract two float32 values near 1e4, whose spacing is 1e-3.
    const out = T.logSoftmax(tensor([1e4, 9999, 9998])).toArray() as number[];
    const z = 1 + Math.exp(-1) + Math.exp(-2);
    const expected = [0, -1, -2].map((d) => d - Math.log(z));
    for (let i = 0; i < 3; i++) expect(out[i]).toBeCloseTo(expected[i]!, 5);
  });
});

describe('shape ops', () => {
  it('reshape infers -1 and refuses a wrong count', () => {
    expect(T.reshape(T.zeros([2, 6]), [3, -1]).shape).toEqual([3, 4]);
    expect(() => T.reshape(T.zeros([2, 6]), [5, -1])).toThrow(/cannot reshape/);
  });

  it('concatenates strided and mixed-dtype 4-d tensors along a middle axis, element by element', () => {
    const rng = new T.Rng(5);
    const a = T.transpose(T.randn([3, 2, 5, 4], rng), 2, 3);
    const b = T.randn([3, 1, 4, 5], rng, { dtype: 'float64' });
    const out = T.concat([a, b], 1);
    expect(out.shape).toEqual([3, 3, 4, 5]);
    expect(out.dtype).toBe('float64');
    const [av, bv, ov] = [a, b, out].map((t) => t.toArray() as number[][][][]) as [
      number[][][][],
      number[][][][],
      number[][][][],
    ];
    for (let n = 0; n < 3; n++) {
      for (let c = 0; c < 3; c++) {
        expect(ov[n]![c]).toEqual(c < 2 ? av[n]![c] : bv[n]![c - 2]);
      }
    }
  });

  it('pads, concatenates, stacks, selects and gathers', () => {
    expect(
      T.pad(
        tensor([[1, 2]]),
        [
          [1, 0],
          [0, 1],
        ],
        9,
      ).toArray(),
    ).toEqual([
      [9, 9, 9],
      [1, 2, 9],
    ]);
    expect(
      T.concat(
        [
          tensor([[1], [2]]),
          tensor([
            [3, 4],
            [5, 6],
          ]),
        ],
        1,
      ).toArray(),
    ).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    expect(T.stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(
      T.indexSelect(
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        0,
        [2, 2, 0],
      ).toArray(),
    ).toEqual([
      [5, 6],
      [5, 6],
      [1, 2],
    ]);
    expect(
      T.gather(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        1,
        [2, 0],
        [2, 1],
      ).toArray(),
    ).toEqual([[3], [4]]);
    expect(() => T.indexSelect(tensor([1, 2]), 0, [2])).toThrow(/out of range/);
  });

  it('squeeze, unsqueeze and flatten', () => {
    const x = T.zeros([2, 1, 3]);
    expect(T.squeeze(x).shape).toEqual([2, 3]);
    expect(T.unsqueeze(x, -1).shape).toEqual([2, 1, 3, 1]);
    expect(T.flatten(T.zeros([2, 3, 4])).shape).toEqual([2, 12]);
    expect(() => T.squeeze(x, 0)).toThrow(/size 2/);
  });
});

describe('matmul', () => {
  it('multiplies batched matrices against a naive product', () => {
    const rng = new T.Rng(3);
    const a = T.randn([2, 3, 5, 4], rng);
    const b = T.randn([3, 4, 6], rng);
    const out = T.matmul(a, b);
    expect(out.shape).toEqual([2, 3, 5, 6]);
    const av = a.values();
    const bv = b.values();
    const ov = out.values();
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < 5; i++)
          for (let j = 0; j < 6; j++) {
            let s = 0;
            for (let p = 0; p < 4; p++) s += av[((n * 3 + c) * 5 + i) * 4 + p]! * bv[(c * 4 + p) * 6 + j]!;
            expect(ov[((n * 3 + c) * 5 + i) * 6 + j]).toBeCloseTo(s, 4);
          }
  });

  it('refuses mismatched inner dimensions', () => {
    expect(() => T.matmul(T.zeros([2, 3]), T.zeros([4, 2]))).toThrow(/inner dimensions/);
  });
});

describe('creation and the seeded generator', () => {
  it('builds tensors from nested and flat data and refuses ragged input', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).shape,
    ).toEqual([2, 2]);
    expect(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(T.eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(T.arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(T.full([2], 7).toArray()).toEqual([7, 7]);
  });

  it('gives the same numbers for the same seed and restores its state exactly', () => {
    const a = new T.Rng(42);
    const b = new T.Rng(42);
    expect(T.randn([5], a).toArray()).toEqual(T.randn([5], b).toArray());
    a.normal();
    const state = a.getState();
    const next = [a.normal(), a.uniform(), a.int(0, 100)];
    a.setState(state);
    expect([a.normal(), a.uniform(), a.int(0, 100)]).toEqual(next);
    expect(T.rand([4], new T.Rng(1)).toArray()).not.toEqual(T.rand([4], new T.Rng(2)).toArray());
  });

  it('draws normals with mean 0 and variance 1, uniforms in [0, 1)', () => {
    const rng = new T.Rng(9);
    const n = T.randn([20000], rng, { dtype: 'float64' });
    expect(Math.abs(T.mean(n).item())).toBeLessThan(0.03);
    expect(T.variance(n).item()).toBeGreaterThan(0.95);
    expect(T.variance(n).item()).toBeLessThan(1.05);
    const u = T.rand([10000], rng);
    expect(T.min(u).item()).toBeGreaterThanOrEqual(0);
    expect(T.max(u).item()).toBeLessThan(1);
    const ints = T.randint(3, 6, [1000], rng).values();
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
  });

  it('permutes and shuffles rows', () => {
    const p = new T.Rng(5).permutation(10);
    expect([...p].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const rows = T.shuffle(T.reshape(T.arange(8), [4, 2]), new T.Rng(5)).toArray() as number[][];
    for (const [a, b] of rows) expect(b! - a!).toBe(1);
  });
});

describe('convolution and pooling ops', () => {
  it('convolves a 3x3 ramp with a 2x2 kernel of ones (hand-computed)', () => {
    const x = T.reshape(T.arange(9), [1, 1, 3, 3]);
    const out = T.conv2d(x, T.ones([1, 1, 2, 2]), T.tensor([1]));
    expect(out.toArray()).toEqual([
      [
        [
          [0 + 1 + 3 + 4 + 1, 1 + 2 + 4 + 5 + 1],
          [3 + 4 + 6 + 7 + 1, 4 + 5 + 7 + 8 + 1],
        ],
      ],
    ]);
  });

  it('max-pools and average-pools 2x2 windows', () => {
    const x = T.reshape(T.arange(16), [1, 1, 4, 4]);
    expect(T.maxPool2d(x, 2).toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(T.avgPool2d(x, 2).toArray()).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
  });

  it('a transposed convolution is the adjoint of the convolution with the same weight', () => {
    const rng = new T.Rng(11);
    const x = T.randn([2, 3, 6, 5], rng, { dtype: 'float64' });
    const w = T.randn([4, 3, 3, 3], rng, { dtype: 'float64' });
    const y = T.randn([2, 4, 3, 3], rng, { dtype: 'float64' });
    const opts = { stride: 2, padding: 1 } as const;
    const lhs = T.sum(T.mul(T.conv2d(x, w, null, opts), y)).item();
    const rhs = T.sum(T.mul(x, T.convTranspose2d(y, w, null, { ...opts, outputPadding: [1, 0] }))).item();
    expect(lhs).toBeCloseTo(rhs, 10);
  });

  it('names the mismatch when channels differ', () => {
    expect(() => T.conv2d(T.zeros([1, 3, 5, 5]), T.zeros([2, 4, 3, 3]))).toThrow(
      /3 channels, weight expects 4/,
    );
  });
});

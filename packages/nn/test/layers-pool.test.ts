import { AvgPool2d, MaxPool2d } from '@ocellus/nn/layers';
import { Rng, sum, type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck } from './layers-helpers.js';

type Window = { kernel: number; stride: number; padding: number };

/** Max or mean (padding counted, as torch's count_include_pad) over each window, by plain loops. */
function naivePool(x: Tensor, g: Window, kind: 'max' | 'avg'): { values: number[]; shape: number[] } {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * g.padding - g.kernel) / g.stride) + 1;
  const ow = Math.floor((w + 2 * g.padding - g.kernel) / g.stride) + 1;
  const xv = x.values();
  const values: number[] = [];
  for (let plane = 0; plane < n * c; plane++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let best = Number.NEGATIVE_INFINITY;
        let total = 0;
        for (let ky = 0; ky < g.kernel; ky++)
          for (let kx = 0; kx < g.kernel; kx++) {
            const y = oy * g.stride - g.padding + ky;
            const xx = ox * g.stride - g.padding + kx;
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            const v = xv[(plane * h + y) * w + xx]!;
            best = Math.max(best, v);
            total += v;
          }
        values.push(kind === 'max' ? best : total / (g.kernel * g.kernel));
      }
  return { values, shape: [n, c, oh, ow] };
}

/** Distinct values at least 0.01 apart, so no window has a tie within the check's step. */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = new Rng(seed).permutation(n);
  return tensor(
    Array.from(perm, (p) => (p - n / 2) * 0.01),
    shape,
    { dtype: 'float64' },
  );
}

const windows: Window[] = [
  { kernel: 2, stride: 2, padding: 0 },
  { kernel: 3, stride: 2, padding: 1 },
  { kernel: 3, stride: 1, padding: 0 },
];

describe.each([
  ['MaxPool2d', 'max', (g: Window) => new MaxPool2d(g.kernel, { stride: g.stride, padding: g.padding })],
  ['AvgPool2d', 'avg', (g: Window) => new AvgPool2d(g.kernel, { stride: g.stride, padding: g.padding })],
] as const)('%s', (name, kind, make) => {
  it.each(windows)('matches the window-by-window loop with %o on an odd 7x5 input', (g) => {
    const x = distinct([2, 3, 7, 5], 1);
    const expected = naivePool(x, g, kind);
    const y = make(g).forward(x);
    expect(y.shape).toEqual(expected.shape);
    expectAllClose(y.values(), expected.values, 1e-12, 1e-12);
  });

  it.each(windows)('passes a gradient check off ties with %o', (g) => {
    const label = `${name} (k${g.kernel} s${g.stride} p${g.padding})`;
    expectGradCheck(label, checkModule(make(g), distinct([2, 2, 7, 5], 2)), 1e-7);
  });
});

describe('pooling gradients', () => {
  it('max pooling routes each window gradient to its maximum (overlaps add up)', () => {
    const x = tensor(
      [
        [
          [
            [1, 9, 2],
            [3, 4, 5],
            [8, 0, 7],
          ],
        ],
      ],
      undefined,
      { requiresGrad: true },
    );
    sum(new MaxPool2d(2, { stride: 1 }).forward(x)).backward();
    // windows' maxima: 9, 9, 8, 7
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [0, 2, 0],
          [0, 0, 0],
          [1, 0, 1],
        ],
      ],
    ]);
  });

  it('average pooling spreads 1 / k² to every cell of the window', () => {
    const x = tensor(
      [
        [
          [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
          ],
        ],
      ],
      undefined,
      { requiresGrad: true },
    );
    sum(new AvgPool2d(2).forward(x)).backward();
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [0.25, 0.25, 0.25, 0.25],
          [0.25, 0.25, 0.25, 0.25],
        ],
      ],
    ]);
  });

  it('defaults the stride to the kernel size', () => {
    expect(new MaxPool2d(2).forward(tensor(new Array(2 * 3 * 8 * 6).fill(1), [2, 3, 8, 6])).shape).toEqual([
      2, 3, 4, 3,
    ]);
  });
});

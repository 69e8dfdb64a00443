import * as T from '@ocellus/tensor';
import { type OpName, ops, Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

const rng = new Rng(7);
const r = (shape: number[], low = -1, high = 1) => T.rand(shape, rng, { dtype: 'float64', low, high });
/** Values bounded away from 0 so kinked ops (relu, abs, sign-like) are checked off their kink. */
const offKink = (shape: number[]) => T.mul(r(shape, 0.1, 1), T.where(T.gt(r(shape), 0), 1, -1));

/** Boxes (batchIndex, x1, y1, x2, y2) in image pixels for the RoI ops: inside, across the border, whole map. */
const rois = T.tensor(
  [
    [0, 1.3, 2.1, 8.6, 7.7],
    [1, -2.4, 3.3, 6.2, 12.9],
    [1, 0, 0, 11, 9],
  ],
  undefined,
  { dtype: 'float64' },
);

interface Case {
  op: OpName;
  name: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
  /** REFERENCE.md: 1e-7 for smooth ops, 1e-5 for ops with kinks. */
  tol?: number;
}

const cases: Case[] = [
  { op: 'add', name: 'broadcast [2,3] + [3]', fn: T.add, inputs: () => [r([2, 3]), r([3])] },
  { op: 'add', name: 'broadcast [2,1,4] + [3,1]', fn: T.add, inputs: () => [r([2, 1, 4]), r([3, 1])] },
  { op: 'sub', name: 'broadcast [4,1] - [1,5]', fn: T.sub, inputs: () => [r([4, 1]), r([1, 5])] },
  { op: 'mul', name: 'broadcast [3,4] * [4]', fn: T.mul, inputs: () => [r([3, 4]), r([4])] },
  { op: 'div', name: 'broadcast [3,4] / [3,1]', fn: T.div, inputs: () => [r([3, 4]), r([3, 1], 0.5, 2)] },
  {
    op: 'pow',
    name: 'positive base, both sides',
    fn: T.pow,
    inputs: () => [r([3, 2], 0.5, 2), r([3, 2], -1.5, 2)],
  },
  { op: 'maximum', name: 'broadcast', fn: T.maximum, inputs: () => [r([3, 4]), r([4])], tol: 1e-5 },
  { op: 'minimum', name: 'broadcast', fn: T.minimum, inputs: () => [r([3, 4]), r([3, 1])], tol: 1e-5 },
  {
    op: 'where',
    name: 'condition from a comparison',
    fn: (c, a, b) => T.where(T.gt(c, 0), a, b),
    inputs: () => [r([3, 4]), r([3, 4]), r([4])],
  },
  { op: 'neg', name: 'neg', fn: T.neg, inputs: () => [r([5])] },
  { op: 'exp', name: 'exp', fn: T.exp, inputs: () => [r([2, 3])] },
  { op: 'log', name: 'log', fn: T.log, inputs: () => [r([2, 3], 0.2, 3)] },
  { op: 'sqrt', name: 'sqrt', fn: T.sqrt, inputs: () => [r([2, 3], 0.2, 3)] },
  { op: 'abs', name: 'abs off the kink', fn: T.abs, inputs: () => [offKink([7])], tol: 1e-5 },
  { op: 'relu', name: 'relu off the kink', fn: T.relu, inputs: () => [offKink([3, 3])], tol: 1e-5 },
  { op: 'sigmoid', name: 'sigmoid', fn: T.sigmoid, inputs: () => [r([6], -4, 4)] },
  { op: 'tanh', name: 'tanh', fn: T.tanh, inputs: () => [r([6], -3, 3)] },
  {
    op: 'clamp',
    name: 'clamp off the bounds',
    fn: (x) => T.clamp(x, -0.5, 0.5),
    inputs: () => [T.tensor([-0.9, -0.3, 0.1, 0.4, 0.8], undefined, { dtype: 'float64' })],
    tol: 1e-5,
  },
  { op: 'sum', name: 'over axes 0 and 2', fn: (x) => T.sum(x, [0, 2]), inputs: () => [r([2, 3, 4])] },
  { op: 'sum', name: 'all, keepDims', fn: (x) => T.sum(x, undefined, true), inputs: () => [r([3, 2])] },
  { op: 'max', name: 'over axis 1', fn: (x) => T.max(x, 1), inputs: () => [r([3, 5])], tol: 1e-5 },
  {
    op: 'min',
    name: 'over axes [0,1] keepDims',
    fn: (x) => T.min(x, [0, 1], true),
    inputs: () => [r([3, 2, 2])],
    tol: 1e-5,
  },
  { op: 'reshape', name: 'to [-1, 2]', fn: (x) => T.reshape(x, [-1, 2]), inputs: () => [r([2, 3, 2])] },
  {
    op: 'reshape',
    name: 'of a transposed view',
    fn: (x) => T.reshape(T.transpose(x), [6]),
    inputs: () => [r([2, 3])],
  },
  { op: 'permute', name: '[2, 0, 1]', fn: (x) => T.permute(x, [2, 0, 1]), inputs: () => [r([2, 3, 4])] },
  {
    op: 'slice',
    name: 'strided slice',
    fn: (x) => T.slice(x, [[1, 4, 2], null, [-3, 5]]),
    inputs: () => [r([5, 2, 5])],
  },
  { op: 'expand', name: '[3,1] to [2,3,4]', fn: (x) => T.expand(x, [2, 3, 4]), inputs: () => [r([3, 1])] },
  {
    op: 'pad',
    name: 'constant pad',
    fn: (x) =>
      T.pad(
        x,
        [
          [1, 0],
          [2, 1],
        ],
        0.5,
      ),
    inputs: () => [r([2, 3])],
  },
  {
    op: 'concat',
    name: 'axis 1',
    fn: (a, b, c) => T.concat([a, b, c], 1),
    inputs: () => [r([2, 1]), r([2, 3]), r([2, 2])],
  },
  {
    op: 'concat',
    name: 'stack on a new axis',
    fn: (a, b) => T.stack([a, b], 1),
    inputs: () => [r([2, 3]), r([2, 3])],
  },
  {
    op: 'indexSelect',
    name: 'repeated rows',
    fn: (x) => T.indexSelect(x, 0, [2, 0, 2, 1]),
    inputs: () => [r([3, 4])],
  },
  {
    op: 'indexSelect',
    name: 'axis 1',
    fn: (x) => T.indexSelect(x, 1, [1, 1, 0]),
    inputs: () => [r([2, 3, 2])],
  },
  {
    op: 'gather',
    name: 'pick one per row',
    fn: (x) => T.gather(x, 1, [2, 0, 1, 1], [4, 1]),
    inputs: () => [r([4, 3])],
  },
  {
    op: 'contiguous',
    name: 'of a permuted view',
    fn: (x) => T.contiguous(T.permute(x, [1, 0])),
    inputs: () => [r([3, 4])],
  },
  { op: 'matmul', name: '[3,4] @ [4,5]', fn: T.matmul, inputs: () => [r([3, 4]), r([4, 5])] },
  {
    op: 'matmul',
    name: 'batched with broadcast',
    fn: T.matmul,
    inputs: () => [r([2, 1, 3, 4]), r([3, 4, 2])],
  },
  {
    op: 'matmul',
    name: 'transposed views',
    fn: (a, b) => T.matmul(T.transpose(a), T.transpose(b)),
    inputs: () => [r([4, 3]), r([2, 4])],
  },
  {
    op: 'conv2d',
    name: 'stride 2, padding 1, dilation 2, bias',
    fn: (x, w, b) => T.conv2d(x, w, b, { stride: 2, padding: 1, dilation: [2, 1] }),
    inputs: () => [r([2, 3, 7, 6]), r([4, 3, 3, 2]), r([4])],
  },
  {
    op: 'conv2d',
    name: '1x1 kernel, no bias',
    fn: (x, w) => T.conv2d(x, w),
    inputs: () => [r([1, 2, 3, 5]), r([3, 2, 1, 1])],
  },
  {
    op: 'conv2d',
    name: 'fused ReLU, padding 1 (off the kink)',
    fn: (x, w, b) => T.conv2d(x, w, b, { padding: 1, activation: 'relu' }),
    inputs: () => [r([2, 2, 4, 5]), r([3, 2, 3, 3]), r([3])],
    tol: 1e-5,
  },
  {
    op: 'linear',
    name: 'batch axes, bias',
    fn: (x, w, b) => T.linear(x, w, b),
    inputs: () => [r([2, 3, 4]), r([5, 4]), r([5])],
  },
  {
    op: 'linear',
    name: 'transposed input view, fused ReLU, no bias',
    fn: (x, w) => T.linear(T.transpose(x), w, null, { activation: 'relu' }),
    inputs: () => [r([4, 3]), r([5, 4])],
    tol: 1e-5,
  },
  {
    op: 'softmaxCrossEntropy',
    name: 'four rows of five classes',
    fn: (s) => T.softmaxCrossEntropy(s, [1, 0, 4, 4]),
    inputs: () => [r([4, 5], -3, 3)],
  },
  {
    op: 'batchNorm',
    name: 'batch statistics over [N, C, H, W]',
    fn: (x, w, b) => T.batchNorm(x, w, b),
    inputs: () => [r([3, 2, 3, 2]), r([2], 0.5, 2), r([2])],
  },
  {
    op: 'batchNorm',
    name: 'given running statistics over [N, C]',
    fn: (x, w, b) => T.batchNorm(x, w, b, { running: { mean: [0.2, -0.1, 0], variance: [0.5, 2, 1] } }),
    inputs: () => [r([4, 3]), r([3], 0.5, 2), r([3])],
  },
  {
    op: 'batchNorm',
    name: 'batch statistics with a fused ReLU over [N, C, L] (off the kink)',
    fn: (x, w, b) => T.batchNorm(x, w, b, { activation: 'relu' }),
    inputs: () => [r([4, 2, 3]), r([2], 0.5, 2), r([2])],
    tol: 1e-5,
  },
  {
    op: 'convTranspose2d',
    name: 'stride 2, output padding 1, bias',
    fn: (x, w, b) => T.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    inputs: () => [r([2, 3, 3, 4]), r([3, 2, 3, 3]), r([2])],
  },
  {
    op: 'maxPool2d',
    name: '3x3 stride 2 padding 1 (distinct values, off ties)',
    fn: (x) => T.maxPool2d(x, 3, { stride: 2, padding: 1 }),
    inputs: () => [r([2, 2, 5, 6])],
    tol: 1e-5,
  },
  {
    op: 'avgPool2d',
    name: '2x3 kernel with padding',
    fn: (x) => T.avgPool2d(x, [2, 3], { stride: [1, 2], padding: [1, 1] }),
    inputs: () => [r([2, 2, 4, 5])],
  },
  {
    op: 'im2col',
    name: '3x3 patches with padding',
    fn: (x) => T.im2col(x, 3, { padding: 1, stride: 2 }),
    inputs: () => [r([2, 2, 4, 5])],
  },
  {
    op: 'col2im',
    name: 'patches back to a 2x2x4x5 image',
    fn: (c) => T.col2im(c, [2, 2, 4, 5], 3, { padding: 1, stride: 2 }),
    inputs: () => [r([2 * 2 * 3, 2 * 9])],
  },
  {
    op: 'roiPool',
    name: '2x3 bins at scale 0.5 (distinct values, off ties); more in roi-gradcheck.test.ts',
    fn: (x) => T.roiPool(x, rois, { outputSize: [2, 3], spatialScale: 0.5 }),
    inputs: () => [r([2, 2, 5, 6])],
    tol: 1e-5,
  },
  {
    op: 'roiAlign',
    name: '2x3 bins at scale 0.5, sampling ratio 2; more in roi-gradcheck.test.ts',
    fn: (x) => T.roiAlign(x, rois, { outputSize: [2, 3], spatialScale: 0.5, samplingRatio: 2 }),
    inputs: () => [r([2, 2, 5, 6])],
  },
  {
    op: 'additiveEnergy',
    name: 'shared keys with coverage; more in ops-additive-energy.test.ts',
    fn: (keys, query, v, coverage, weight) => T.additiveEnergy(keys, query, v, { coverage, weight }),
    inputs: () => [r([1, 4, 3]), r([2, 3]), r([3]), r([2, 4]), r([3])],
  },
];

/** Ops with no gradient by definition: their outputs never require one. */
const nonDifferentiable: OpName[] = ['compare', 'sign', 'argReduce'];

describe('gradient checks of every primitive (float64, central differences)', () => {
  it.each(cases.map((c) => [c.op, c.name, c] as const))('%s: %s', (_op, _name, c) => {
    const result = T.gradCheck(c.fn, c.inputs());
    expect(result.checked).toBeGreaterThan(0);
    expect(result.maxRelError).toBeLessThan(c.tol ?? 1e-7);
  });

  it('covers every differentiable op in the registry', () => {
    const covered = new Set(cases.map((c) => c.op));
    for (const name of Object.keys(ops) as OpName[]) {
      if (nonDifferentiable.includes(name)) expect(ops[name].differentiable).toBe(false);
      else expect(covered.has(name), `${name} has no gradient check`).toBe(true);
    }
  });

  it('composites: softmax, logSoftmax, logsumexp, mean, variance', () => {
    const x = () => [r([3, 5], -3, 3)];
    for (const fn of [
      (t: Tensor) => T.softmax(t, 1),
      (t: Tensor) => T.logSoftmax(t, 0),
      (t: Tensor) => T.logsumexp(t, 1),
      (t: Tensor) => T.mean(t, 0),
      (t: Tensor) => T.variance(t, 1, false, 1),
    ]) {
      expect(T.gradCheck(fn, x()).maxRelError).toBeLessThan(1e-7);
    }
  });
});

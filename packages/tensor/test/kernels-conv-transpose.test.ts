import {
  type ConvOptions,
  type ConvTranspose2dGeometry,
  conv2dForward,
  convScratch,
  convTranspose2dBackward,
  convTranspose2dForward,
  convTranspose2dGeometry,
} from '@ocellus/tensor/kernels';
import { support } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { type ConvData, convData, convLabel, labelled } from './kernels-conv-cases.js';
import {
  type ConvCase,
  dot,
  maxRelativeError,
  maxScaledError,
  naiveConvTranspose2d,
  numericGradient,
} from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

// In these cases c is inChannels and f is outChannels, as for torch.nn.ConvTranspose2d.
interface TransposeCase extends ConvCase {
  outputPadding: [number, number];
}

/** Each case's sizes, then its output padding (below its stride or its dilation). */
const rows: [ConvCase, [number, number]][] = [
  [{ n: 1, c: 1, h: 3, w: 3, f: 1, kh: 2, kw: 2, stride: [1, 1], padding: [0, 0], dilation: [1, 1] }, [0, 0]],
  [{ n: 3, c: 2, h: 5, w: 7, f: 3, kh: 3, kw: 2, stride: [2, 3], padding: [1, 0], dilation: [1, 1] }, [1, 2]],
  [{ n: 1, c: 3, h: 4, w: 3, f: 2, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1], dilation: [2, 2] }, [1, 1]],
  [{ n: 2, c: 2, h: 3, w: 5, f: 4, kh: 1, kw: 1, stride: [2, 2], padding: [0, 0], dilation: [1, 1] }, [1, 0]],
  [{ n: 1, c: 2, h: 6, w: 4, f: 3, kh: 5, kw: 3, stride: [3, 2], padding: [2, 1], dilation: [2, 1] }, [2, 1]],
  [
    { n: 2, c: 4, h: 14, w: 14, f: 3, kh: 2, kw: 2, stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
    [0, 0],
  ],
];
const cases: TransposeCase[] = rows.map(([p, outputPadding]) => ({ ...p, outputPadding }));
const gradientCases = cases.slice(1, 5);

/** The float32 paths of the conv2d passes that the transposed convolution's passes run on. */
const paths: [string, ConvOptions][] = [
  ['im2col', { path: 'im2col' }],
  ...(support.simd ? ([['direct', { path: 'direct' }]] as [string, ConvOptions][]) : []),
];

const label = (p: TransposeCase) => `${convLabel(p)} op${p.outputPadding}`;

function problem(p: TransposeCase, seed: number): ConvData & { geo: ConvTranspose2dGeometry } {
  const geo = convTranspose2dGeometry({ ...p, inChannels: p.c, outChannels: p.f });
  return { geo, ...convData(p, prng(seed), geo) };
}

describe('convTranspose2dGeometry', () => {
  it('doubles 14x14 to 28x28 with a 2x2 stride-2 kernel, as the Mask R-CNN head needs', () => {
    const geo = convTranspose2dGeometry({
      n: 1,
      inChannels: 8,
      h: 14,
      w: 14,
      outChannels: 8,
      kh: 2,
      kw: 2,
      stride: [2, 2],
    });
    expect([geo.oh, geo.ow]).toEqual([28, 28]);
  });

  it('describes the convolution it transposes, which maps the output back to the input size', () => {
    const geo = convTranspose2dGeometry({
      n: 2,
      inChannels: 3,
      h: 5,
      w: 4,
      outChannels: 7,
      kh: 3,
      kw: 3,
      stride: [2, 2],
      padding: [1, 1],
      outputPadding: [1, 0],
    });
    expect([geo.oh, geo.ow]).toEqual([10, 7]);
    expect(geo.conv).toMatchObject({ n: 2, c: 7, h: 10, w: 7, outChannels: 3, oh: 5, ow: 4 });
  });

  it('refuses an output padding not below the stride or the dilation', () => {
    const base = { n: 1, inChannels: 1, h: 3, w: 3, outChannels: 1, kh: 3, kw: 3 };
    expect(() => convTranspose2dGeometry({ ...base, stride: [2, 2], outputPadding: [2, 0] })).toThrow(
      /outputPadding 2x0 must be smaller than stride or dilation/,
    );
    expect(convTranspose2dGeometry({ ...base, dilation: [3, 1], outputPadding: [2, 0] }).oh).toBe(11);
  });

  it('refuses padding that leaves no output and non-positive sizes', () => {
    const base = { n: 1, inChannels: 1, h: 1, w: 1, outChannels: 1, kh: 1, kw: 1 };
    expect(() => convTranspose2dGeometry({ ...base, padding: [1, 0] })).toThrow(
      /leaves an empty output \(-1x1\)/,
    );
    expect(() => convTranspose2dGeometry({ ...base, inChannels: 0 })).toThrow(
      /inChannels must be a positive integer/,
    );
  });
});

describe('convTranspose2dForward', () => {
  it('stamps a 2x2 kernel of ones onto each pixel of a 2x2 image of ones', () => {
    const overlap = convTranspose2dGeometry({
      n: 1,
      inChannels: 1,
      h: 2,
      w: 2,
      outChannels: 1,
      kh: 2,
      kw: 2,
    });
    const out = new Float64Array(9);
    convTranspose2dForward(new Float64Array(4).fill(1), new Float64Array(4).fill(1), null, overlap, out);
    expect(Array.from(out)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    const tiled = convTranspose2dGeometry({
      n: 1,
      inChannels: 1,
      h: 2,
      w: 2,
      outChannels: 1,
      kh: 2,
      kw: 2,
      stride: [2, 2],
    });
    const big = new Float64Array(16);
    convTranspose2dForward(
      Float64Array.from([1, 2, 3, 4]),
      new Float64Array(4).fill(1),
      Float64Array.from([10]),
      tiled,
      big,
    );
    expect(Array.from(big)).toEqual([11, 11, 12, 12, 11, 11, 12, 12, 13, 13, 14, 14, 13, 13, 14, 14]);
  });

  it.each(labelled(cases, label))('matches the scattering loop in float64 for %s', (_, p) => {
    const { geo, x, w, bias, outLength } = problem(p, 1);
    const out = new Float64Array(outLength).fill(Number.NaN);
    convTranspose2dForward(x, w, bias, geo, out);
    expect(maxScaledError(out, naiveConvTranspose2d(x, w, bias, p, p.outputPadding))).toBeLessThan(1e-14);
  });

  describe.each(paths)('float32, %s', (_path, options) => {
    it.each(labelled(cases, label))('matches the scattering loop for %s', (_, p) => {
      const { geo, x, w, bias, outLength } = problem(p, 2);
      const out = new Float32Array(outLength);
      const scratch = convScratch(geo.conv, 'float32');
      const [x32, w32, b32] = [x, w, bias].map((a) => Float32Array.from(a)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      convTranspose2dForward(x32, w32, b32, geo, out, scratch, options);
      expect(maxScaledError(out, naiveConvTranspose2d(x, w, bias, p, p.outputPadding))).toBeLessThan(1e-5);
    });
  });

  it.each(labelled(cases, label))('is the adjoint of conv2d with the same weight for %s', (_, p) => {
    const { geo, x, w, outLength } = problem(p, 3);
    const y = randomArray(outLength, prng(30));
    const up = new Float64Array(outLength);
    convTranspose2dForward(x, w, null, geo, up);
    const down = new Float64Array(x.length);
    conv2dForward(y, w, null, geo.conv, down);
    const lhs = dot(up, y);
    expect(Math.abs(lhs - dot(x, down))).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
  });
});

describe('convTranspose2dBackward', () => {
  // Linear in each coordinate: central differences are exact up to rounding, so a large step is safe.
  const h = 1e-3;

  it.each(labelled(gradientCases, label))(
    'matches central differences of the scattering loop for %s',
    (_, p) => {
      const { geo, x, w, bias, outLength } = problem(p, 4);
      const gradOut = randomArray(outLength, prng(40));
      const grads = {
        dx: new Float64Array(x.length),
        dw: new Float64Array(w.length),
        db: new Float64Array(p.f),
      };
      convTranspose2dBackward(gradOut, x, w, geo, grads);
      const forward = () => naiveConvTranspose2d(x, w, bias, p, p.outputPadding);
      expect(maxRelativeError(grads.dx, numericGradient(forward, x, gradOut, h))).toBeLessThan(1e-7);
      expect(maxRelativeError(grads.dw, numericGradient(forward, w, gradOut, h))).toBeLessThan(1e-7);
      expect(maxRelativeError(grads.db, numericGradient(forward, bias, gradOut, h))).toBeLessThan(1e-7);
    },
  );

  describe.each(paths)('float32, %s', (_path, options) => {
    it.each(labelled(cases, label))('adds the float64 gradients for %s', (_, p) => {
      const { geo, x, w, outLength } = problem(p, 6);
      const gradOut = randomArray(outLength, prng(60));
      const expected = {
        dx: new Float64Array(x.length),
        dw: new Float64Array(w.length),
        db: new Float64Array(p.f),
      };
      convTranspose2dBackward(gradOut, x, w, geo, expected);
      const grads = {
        dx: new Float32Array(x.length).fill(1),
        dw: new Float32Array(w.length).fill(1),
        db: new Float32Array(p.f).fill(1),
      };
      const [g32, x32, w32] = [gradOut, x, w].map((a) => Float32Array.from(a)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      convTranspose2dBackward(g32, x32, w32, geo, grads, undefined, options);
      for (const key of ['dx', 'dw', 'db'] as const) {
        expect(
          maxScaledError(
            grads[key],
            expected[key].map((v) => v + 1),
          ),
        ).toBeLessThan(1e-5);
      }
    });
  });

  it('adds into the gradient buffers and skips the ones not asked for', () => {
    const p = cases[1]!;
    const { geo, x, w, outLength } = problem(p, 5);
    const gradOut = randomArray(outLength, prng(50));
    const once = {
      dx: new Float64Array(x.length),
      dw: new Float64Array(w.length),
      db: new Float64Array(p.f),
    };
    convTranspose2dBackward(gradOut, x, w, geo, once);
    const scratch = convScratch(geo.conv, 'float64');
    const dw = new Float64Array(w.length);
    const db = new Float64Array(p.f);
    convTranspose2dBackward(gradOut, x, w, geo, { dw, db }, scratch);
    convTranspose2dBackward(gradOut, x, w, geo, { dw, db, dx: null }, scratch);
    expect(
      maxRelativeError(
        dw,
        once.dw.map((v) => 2 * v),
      ),
    ).toBeLessThan(1e-14);
    expect(
      maxRelativeError(
        db,
        once.db.map((v) => 2 * v),
      ),
    ).toBeLessThan(1e-14);
  });
});

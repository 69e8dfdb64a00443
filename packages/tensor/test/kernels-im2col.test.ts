import { type Conv2dGeometry, col2im, conv2dGeometry, im2col } from '@ocellus/tensor/kernels';
import { describe, expect, it } from 'vitest';
import { convCases, labelled } from './kernels-conv-cases.js';
import { type ConvCase, convOutputSize, dot, naiveIm2col } from './kernels-reference.js';
import { prng, randomArray } from './seeded.js';

function geometryOf(p: ConvCase): Conv2dGeometry {
  return conv2dGeometry({ ...p, outChannels: p.f });
}

describe('conv2dGeometry', () => {
  it.each(labelled(convCases))('follows torch output sizes for %s', (_, p) => {
    const geo = geometryOf(p);
    const oh = convOutputSize(p.h, p.kh, p.stride[0], p.padding[0], p.dilation[0]);
    const ow = convOutputSize(p.w, p.kw, p.stride[1], p.padding[1], p.dilation[1]);
    expect([geo.oh, geo.ow]).toEqual([oh, ow]);
    expect(geo.positions).toBe(p.n * oh * ow);
    expect(geo.patchSize).toBe(p.c * p.kh * p.kw);
  });

  it('gives LeNet-5 conv1 on 28x28 with padding 2 a 28x28 output', () => {
    const geo = conv2dGeometry({ n: 8, c: 1, h: 28, w: 28, outChannels: 6, kh: 5, kw: 5, padding: [2, 2] });
    expect([geo.oh, geo.ow, geo.positions, geo.patchSize]).toEqual([28, 28, 6272, 25]);
  });

  it('defaults to stride 1, no padding, no dilation', () => {
    const geo = conv2dGeometry({ n: 1, c: 1, h: 4, w: 6, outChannels: 1, kh: 3, kw: 3 });
    expect(geo).toMatchObject({
      strideH: 1,
      strideW: 1,
      padH: 0,
      padW: 0,
      dilationH: 1,
      dilationW: 1,
      oh: 2,
      ow: 4,
    });
  });

  it('refuses a dilated kernel larger than the padded input', () => {
    expect(() =>
      conv2dGeometry({ n: 1, c: 1, h: 4, w: 4, outChannels: 1, kh: 3, kw: 3, dilation: [2, 2] }),
    ).toThrow(/input 4x4 with padding 0x0 is smaller than the dilated kernel 5x5/);
  });

  it('refuses zero, negative and fractional sizes, naming the parameter', () => {
    const base = { n: 1, c: 1, h: 4, w: 4, outChannels: 1, kh: 2, kw: 2 };
    expect(() => conv2dGeometry({ ...base, c: 0 })).toThrow(/c must be a positive integer, got 0/);
    expect(() => conv2dGeometry({ ...base, stride: [1, -2] })).toThrow(/strideW must be a positive integer/);
    expect(() => conv2dGeometry({ ...base, kh: 1.5 })).toThrow(/kh must be a positive integer, got 1.5/);
    expect(() => conv2dGeometry({ ...base, padding: [-1, 0] })).toThrow(
      /padH must be a non-negative integer/,
    );
    expect(() => conv2dGeometry({ ...base, dilation: [0, 1] })).toThrow(
      /dilationH must be a positive integer/,
    );
  });
});

describe('im2col', () => {
  it('unfolds a 3x3 image into the four 2x2 windows, row by row', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const geo = conv2dGeometry({ n: 1, c: 1, h: 3, w: 3, outChannels: 1, kh: 2, kw: 2 });
    const cols = new Float64Array(16);
    im2col(x, geo, cols);
    expect(Array.from(cols)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });

  it('reads zeros where the window hangs over the padding', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    const geo = conv2dGeometry({
      n: 1,
      c: 1,
      h: 2,
      w: 2,
      outChannels: 1,
      kh: 2,
      kw: 2,
      stride: [2, 2],
      padding: [1, 1],
    });
    const cols = new Float64Array(geo.positions * geo.patchSize);
    im2col(x, geo, cols);
    expect(Array.from(cols)).toEqual([0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 0]);
  });

  it.each(labelled(convCases))('matches the definition for %s', (_, p) => {
    const x = randomArray(p.n * p.c * p.h * p.w, prng(7));
    const geo = geometryOf(p);
    const cols = new Float64Array(geo.positions * geo.patchSize).fill(Number.NaN);
    im2col(x, geo, cols);
    expect(cols).toEqual(naiveIm2col(x, p));
  });

  it('copies float32 inputs exactly', () => {
    const p = convCases[4]!;
    const x64 = Float64Array.from(Float32Array.from(randomArray(p.n * p.c * p.h * p.w, prng(8))));
    const geo = geometryOf(p);
    const cols = new Float32Array(geo.positions * geo.patchSize);
    im2col(Float32Array.from(x64), geo, cols);
    expect(Float64Array.from(cols)).toEqual(naiveIm2col(x64, p));
  });

  it('refuses buffers of the wrong size', () => {
    const geo = geometryOf(convCases[1]!);
    expect(() => im2col(new Float64Array(3), geo, new Float64Array(geo.positions * geo.patchSize))).toThrow(
      /im2col: x has 3 elements, expected 462/,
    );
    expect(() => im2col(new Float64Array(462), geo, new Float64Array(5))).toThrow(
      /im2col: cols has 5 elements/,
    );
  });
});

describe('col2im', () => {
  it.each(labelled(convCases))('is the exact adjoint of im2col for %s', (_, p) => {
    const random = prng(11);
    const geo = geometryOf(p);
    const x = randomArray(p.n * p.c * p.h * p.w, random);
    const y = randomArray(geo.positions * geo.patchSize, random);
    const cols = new Float64Array(y.length);
    im2col(x, geo, cols);
    const dx = new Float64Array(x.length);
    col2im(y, geo, dx);
    const lhs = dot(cols, y);
    expect(Math.abs(lhs - dot(x, dx))).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
  });

  it('counts how many windows cover each pixel when fed ones', () => {
    const geo = conv2dGeometry({ n: 1, c: 1, h: 3, w: 3, outChannels: 1, kh: 2, kw: 2 });
    const dx = new Float64Array(9);
    col2im(new Float64Array(16).fill(1), geo, dx);
    expect(Array.from(dx)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });

  it('adds into dx instead of overwriting it', () => {
    const geo = conv2dGeometry({ n: 1, c: 1, h: 3, w: 3, outChannels: 1, kh: 2, kw: 2 });
    const dx = new Float64Array(9).fill(10);
    col2im(new Float64Array(16).fill(1), geo, dx);
    expect(Array.from(dx)).toEqual([11, 12, 11, 12, 14, 12, 11, 12, 11]);
  });
});

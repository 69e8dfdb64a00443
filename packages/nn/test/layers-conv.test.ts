import {
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '@ocellus/nn/layers';
import { type Tensor, zeros } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck, r64 } from './layers-helpers.js';

type Geometry = { stride: number; padding: number; dilation: number };

/** out[n,f,oy,ox] = b[f] + sum over c, ky, kx of x[n,c,oy·s−p+ky·d, ox·s−p+kx·d] w[f,c,ky,kx]. */
function naiveConv(
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  g: Geometry,
): { values: number[]; shape: number[] } {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [f, , kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * g.padding - g.dilation * (kh - 1) - 1) / g.stride) + 1;
  const ow = Math.floor((wd + 2 * g.padding - g.dilation * (kw - 1) - 1) / g.stride) + 1;
  const xv = x.values();
  const wv = w.values();
  const values: number[] = [];
  for (let i = 0; i < n; i++)
    for (let o = 0; o < f; o++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let s = b ? b.values()[o]! : 0;
          for (let ch = 0; ch < c; ch++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const y = oy * g.stride - g.padding + ky * g.dilation;
                const xx = ox * g.stride - g.padding + kx * g.dilation;
                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                s += xv[((i * c + ch) * h + y) * wd + xx]! * wv[((o * c + ch) * kh + ky) * kw + kx]!;
              }
          values.push(s);
        }
  return { values, shape: [n, f, oh, ow] };
}

/** Scatter form: each input pixel adds x·w[i,o] at (iy·s−p+ky·d, ix·s−p+kx·d) of the output. */
function naiveConvTranspose(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  g: Geometry & { outputPadding: number },
): { values: number[]; shape: number[] } {
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [, cout, kh, kw] = w.shape as [number, number, number, number];
  const oh = (h - 1) * g.stride - 2 * g.padding + g.dilation * (kh - 1) + g.outputPadding + 1;
  const ow = (wd - 1) * g.stride - 2 * g.padding + g.dilation * (kw - 1) + g.outputPadding + 1;
  const out = new Array<number>(n * cout * oh * ow).fill(0);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < cout; o++)
      for (let p = 0; p < oh * ow; p++) out[(i * cout + o) * oh * ow + p] = b.values()[o]!;
  const xv = x.values();
  const wv = w.values();
  for (let i = 0; i < n; i++)
    for (let ci = 0; ci < cin; ci++)
      for (let iy = 0; iy < h; iy++)
        for (let ix = 0; ix < wd; ix++)
          for (let o = 0; o < cout; o++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const y = iy * g.stride - g.padding + ky * g.dilation;
                const xx = ix * g.stride - g.padding + kx * g.dilation;
                if (y < 0 || y >= oh || xx < 0 || xx >= ow) continue;
                out[((i * cout + o) * oh + y) * ow + xx]! +=
                  xv[((i * cin + ci) * h + iy) * wd + ix]! * wv[((ci * cout + o) * kh + ky) * kw + kx]!;
              }
  return { values: out, shape: [n, cout, oh, ow] };
}

const withBias = <M extends { bias: Tensor | null }>(layer: M): M => {
  layer.bias!.data.set(r64([layer.bias!.size]).values());
  return layer;
};

describe('Conv2d', () => {
  it.each([
    { stride: 1, padding: 0, dilation: 1 },
    { stride: 2, padding: 1, dilation: 1 },
    { stride: 1, padding: 2, dilation: 2 },
    { stride: 2, padding: 1, dilation: 2 },
  ])('matches the direct sum with %o on an odd 7x5 input', (g) => {
    const layer = withBias(new Conv2d(3, 4, [3, 2], { ...g, seed: 1, dtype: 'float64' }));
    const x = r64([2, 3, 7, 5]).detach();
    const expected = naiveConv(x, layer.weight, layer.bias, g);
    const y = layer.forward(x);
    expect(y.shape).toEqual(expected.shape);
    expectAllClose(y.values(), expected.values, 1e-12, 1e-12);
  });

  it('passes a gradient check of input, weight and bias (stride 2, padding 1, dilation 2, odd shapes)', () => {
    const layer = withBias(
      new Conv2d(2, 3, [3, 2], { stride: 2, padding: 1, dilation: 2, seed: 2, dtype: 'float64' }),
    );
    expectGradCheck('Conv2d (s2 p1 d2)', checkModule(layer, r64([2, 2, 7, 5])), 1e-7);
    const plain = withBias(new Conv2d(2, 2, 3, { padding: 1, seed: 3, dtype: 'float64' }));
    expectGradCheck('Conv2d (s1 p1)', checkModule(plain, r64([1, 2, 5, 5])), 1e-7);
  });

  it('has a [out, in, kh, kw] weight with He init over in·kh·kw, and can drop the bias', () => {
    const layer = new Conv2d(16, 64, 3, { seed: 4 });
    expect(layer.weight.shape).toEqual([64, 16, 3, 3]);
    const v = [...layer.weight.values()];
    const sd = Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    expect(sd / Math.sqrt(2 / (16 * 9))).toBeGreaterThan(0.96);
    expect(sd / Math.sqrt(2 / (16 * 9))).toBeLessThan(1.04);
    expect(new Conv2d(1, 2, 3, { bias: false }).namedParameters().map(([name]) => name)).toEqual(['weight']);
  });
});

describe('ConvTranspose2d', () => {
  it.each([
    { stride: 1, padding: 0, dilation: 1, outputPadding: 0 },
    { stride: 2, padding: 1, dilation: 1, outputPadding: 1 },
    { stride: 3, padding: 1, dilation: 2, outputPadding: 2 },
  ])('matches the scatter form with %o', (g) => {
    const layer = withBias(new ConvTranspose2d(3, 2, [3, 2], { ...g, seed: 5, dtype: 'float64' }));
    const x = r64([2, 3, 4, 3]).detach();
    const expected = naiveConvTranspose(x, layer.weight, layer.bias!, g);
    const y = layer.forward(x);
    expect(y.shape).toEqual(expected.shape);
    expectAllClose(y.values(), expected.values, 1e-12, 1e-12);
  });

  it('doubles the spatial size with stride 2, padding 1, output padding 1 and a 3x3 kernel', () => {
    const layer = new ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
    expect(layer.weight.shape).toEqual([4, 2, 3, 3]);
    expect(layer.forward(zeros([1, 4, 7, 5])).shape).toEqual([1, 2, 14, 10]);
  });

  it('passes a gradient check of input, weight and bias (stride 2, output padding 1)', () => {
    const layer = withBias(
      new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, seed: 6, dtype: 'float64' }),
    );
    expectGradCheck('ConvTranspose2d (s2 p1 op1)', checkModule(layer, r64([2, 2, 3, 4])), 1e-7);
    const dilated = withBias(new ConvTranspose2d(2, 2, [2, 3], { dilation: 2, seed: 7, dtype: 'float64' }));
    expectGradCheck('ConvTranspose2d (d2)', checkModule(dilated, r64([1, 2, 3, 3])), 1e-7);
  });
});

describe('a small conv net', () => {
  it('passes a gradient check end to end: conv, BatchNorm2d, ReLU, max pool, flatten, linear', () => {
    const net = new Sequential(
      new Conv2d(2, 3, 3, { padding: 1, seed: 8, dtype: 'float64', bias: false }),
      new BatchNorm2d(3, { dtype: 'float64' }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(12, 2, { seed: 9, dtype: 'float64' }),
    );
    expectGradCheck('Conv-BN-ReLU-MaxPool-Linear net', checkModule(net, r64([3, 2, 4, 4])), 1e-5);
  });
});

// Naive direct-loop references (float64) for the kernel tests, written from the torch definitions.

export interface ConvCase {
  n: number;
  c: number;
  h: number;
  w: number;
  f: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

export function convOutputSize(
  size: number,
  k: number,
  stride: number,
  pad: number,
  dilation: number,
): number {
  return Math.floor((size + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

export function naiveConv2d(
  x: Float64Array,
  w: Float64Array,
  bias: Float64Array | null,
  p: ConvCase,
): Float64Array {
  const oh = convOutputSize(p.h, p.kh, p.stride[0], p.padding[0], p.dilation[0]);
  const ow = convOutputSize(p.w, p.kw, p.stride[1], p.padding[1], p.dilation[1]);
  const out = new Float64Array(p.n * p.f * oh * ow);
  for (let b = 0; b < p.n; b++)
    for (let f = 0; f < p.f; f++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let s = bias === null ? 0 : bias[f]!;
          for (let c = 0; c < p.c; c++)
            for (let ky = 0; ky < p.kh; ky++)
              for (let kx = 0; kx < p.kw; kx++) {
                const iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0];
                const ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
                s += x[((b * p.c + c) * p.h + iy) * p.w + ix]! * w[((f * p.c + c) * p.kh + ky) * p.kw + kx]!;
              }
          out[((b * p.f + f) * oh + oy) * ow + ox] = s;
        }
  return out;
}

/** The im2col matrix by its definition: entry (b, oy, ox ; c, ky, kx) is the input under that tap, 0 off the image. */
export function naiveIm2col(x: Float64Array, p: ConvCase): Float64Array {
  const oh = convOutputSize(p.h, p.kh, p.stride[0], p.padding[0], p.dilation[0]);
  const ow = convOutputSize(p.w, p.kw, p.stride[1], p.padding[1], p.dilation[1]);
  const k = p.c * p.kh * p.kw;
  const cols = new Float64Array(p.n * oh * ow * k);
  for (let b = 0; b < p.n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let c = 0; c < p.c; c++)
          for (let ky = 0; ky < p.kh; ky++)
            for (let kx = 0; kx < p.kw; kx++) {
              const iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0];
              const ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
              const inside = iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
              const row = (b * oh + oy) * ow + ox;
              cols[row * k + (c * p.kh + ky) * p.kw + kx] = inside
                ? x[((b * p.c + c) * p.h + iy) * p.w + ix]!
                : 0;
            }
  return cols;
}

/**
 * torch's conv_transpose2d by scattering: input (b, i, y, x) adds x * w[i, o, ky, kx] at output
 * (y * s - p + ky * d, x * s - p + kx * d), then bias. Here p.c is inChannels and p.f outChannels.
 */
export function naiveConvTranspose2d(
  x: Float64Array,
  w: Float64Array,
  bias: Float64Array | null,
  p: ConvCase,
  outputPadding: [number, number],
): Float64Array {
  const oh = (p.h - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (p.kh - 1) + outputPadding[0] + 1;
  const ow = (p.w - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (p.kw - 1) + outputPadding[1] + 1;
  const out = new Float64Array(p.n * p.f * oh * ow);
  for (let b = 0; b < p.n; b++)
    for (let o = 0; o < p.f; o++)
      out.fill(bias === null ? 0 : bias[o]!, (b * p.f + o) * oh * ow, (b * p.f + o + 1) * oh * ow);
  for (let b = 0; b < p.n; b++)
    for (let i = 0; i < p.c; i++)
      for (let y = 0; y < p.h; y++)
        for (let xx = 0; xx < p.w; xx++)
          for (let o = 0; o < p.f; o++)
            for (let ky = 0; ky < p.kh; ky++)
              for (let kx = 0; kx < p.kw; kx++) {
                const oy = y * p.stride[0] - p.padding[0] + ky * p.dilation[0];
                const ox = xx * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                out[((b * p.f + o) * oh + oy) * ow + ox]! +=
                  x[((b * p.c + i) * p.h + y) * p.w + xx]! * w[((i * p.f + o) * p.kh + ky) * p.kw + kx]!;
              }
  return out;
}

export interface PoolCase {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
}

/** Max and average (count_include_pad) pooling by definition; padding never wins the max. */
export function naivePool2d(x: Float64Array, p: PoolCase, kind: 'max' | 'avg'): Float64Array {
  const oh = Math.floor((p.h + 2 * p.padding[0] - p.kh) / p.stride[0]) + 1;
  const ow = Math.floor((p.w + 2 * p.padding[1] - p.kw) / p.stride[1]) + 1;
  const out = new Float64Array(p.n * p.c * oh * ow);
  for (let plane = 0; plane < p.n * p.c; plane++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let max = -Infinity;
        let sum = 0;
        for (let ky = 0; ky < p.kh; ky++)
          for (let kx = 0; kx < p.kw; kx++) {
            const iy = oy * p.stride[0] - p.padding[0] + ky;
            const ix = ox * p.stride[1] - p.padding[1] + kx;
            if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
            const v = x[(plane * p.h + iy) * p.w + ix]!;
            max = Math.max(max, v);
            sum += v;
          }
        out[(plane * oh + oy) * ow + ox] = kind === 'max' ? max : sum / (p.kh * p.kw);
      }
  return out;
}

/**
 * Central differences of <upstream, f(input)> for every element of input, with the outputs
 * differenced element-wise before contracting so unaffected outputs cancel exactly.
 */
export function numericGradient(
  f: () => Float64Array,
  input: Float64Array,
  upstream: Float64Array,
  h: number,
): Float64Array {
  const grad = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const saved = input[i]!;
    input[i] = saved + h;
    const plus = f();
    input[i] = saved - h;
    const minus = f();
    input[i] = saved;
    let s = 0;
    for (let j = 0; j < plus.length; j++) s += upstream[j]! * (plus[j]! - minus[j]!);
    grad[i] = s / (2 * h);
  }
  return grad;
}

/** Largest element-wise relative error |a - b| / max(|a|, |b|, 1e-8) (CS231n gradient_check). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-8));
  }
  return worst;
}

/** Largest |a - b| relative to the largest |b|: the right scale for float32 results. */
export function maxScaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let scale = 1e-30;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst / scale;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** dx, dw, db of sum(g * conv(x, w) + bias) by the definition: every output element's taps, one by one. */
export function naiveConv2dBackward(g: Float64Array, x: Float64Array, w: Float64Array, p: ConvCase) {
  const [oh, ow] = [
    convOutputSize(p.h, p.kh, p.stride[0], p.padding[0], p.dilation[0]),
    convOutputSize(p.w, p.kw, p.stride[1], p.padding[1], p.dilation[1]),
  ];
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const db = new Float64Array(p.f);
  for (let b = 0; b < p.n; b++)
    for (let f = 0; f < p.f; f++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const gv = g[((b * p.f + f) * oh + oy) * ow + ox]!;
          db[f]! += gv;
          for (let c = 0; c < p.c; c++)
            for (let ky = 0; ky < p.kh; ky++)
              for (let kx = 0; kx < p.kw; kx++) {
                const iy = oy * p.stride[0] - p.padding[0] + ky * p.dilation[0];
                const ix = ox * p.stride[1] - p.padding[1] + kx * p.dilation[1];
                if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
                const xi = ((b * p.c + c) * p.h + iy) * p.w + ix;
                const wi = ((f * p.c + c) * p.kh + ky) * p.kw + kx;
                dw[wi]! += gv * x[xi]!;
                dx[xi]! += gv * w[wi]!;
              }
        }
  return { dx, dw, db };
}

import type { Runtime } from '../runtime/index.js';
import { type Conv2dGeometry, conv2dGeometry } from './conv-geometry.js';
import type { InputGradPlan } from './direct-input-grad.js';
import type { IgemmOptions } from './simd/igemm.js';
import { WINOGRAD_MIN_CHANNELS, winogradConv2dForward, winogradShape } from './winograd-conv2d.js';

// The input gradient of a 3x3 stride-1 convolution is itself one: the gradient, padded by 2 - pad, convolved
// with the kernel rotated by 180 degrees and its channel axes swapped. So it runs on Winograd's F(2x2, 3x3).

/** How conv2d's direct path computes dx: a plan inside the runtime (direct-input-grad.ts) or Winograd. */
export type ConvInputGrad = InputGradPlan | 'winograd';

const fits = (geo: Conv2dGeometry) => winogradShape(geo) && geo.padH <= 2 && geo.padW <= 2;

/** Whether dx takes Winograd: forced by `wanted` (where the shape allows), else by channel counts. */
export function winogradInputGradChosen(geo: Conv2dGeometry, wanted?: ConvInputGrad): boolean {
  if (wanted === 'winograd' && !fits(geo)) {
    throw new RangeError(
      'conv2d: the Winograd input gradient needs a 3x3 stride-1 kernel and padding at most 2',
    );
  }
  if (wanted !== undefined) return wanted === 'winograd';
  return fits(geo) && geo.c >= WINOGRAD_MIN_CHANNELS && geo.outChannels >= WINOGRAD_MIN_CHANNELS;
}

/** The forward convolution whose output is the input gradient: gradOut by the rotated kernel, padded to fit. */
export function winogradInputGradGeometry(geo: Conv2dGeometry): Conv2dGeometry {
  const { n, c, outChannels: f, oh, ow } = geo;
  const padding = [2 - geo.padH, 2 - geo.padW] as const;
  return conv2dGeometry({ n, c: f, h: oh, w: ow, outChannels: c, kh: 3, kw: 3, padding });
}

/** dx += the input gradient of conv2d(x, w) for gradOut `g` (already through any ReLU mask). */
export function winogradInputGrad(
  rt: Runtime,
  g: Float32Array,
  w: Float32Array,
  geo: Conv2dGeometry,
  dx: Float32Array,
  options: IgemmOptions,
): void {
  const { c, outChannels: f } = geo;
  const rotated = new Float32Array(w.length);
  for (let fo = 0; fo < f; fo++) {
    for (let ch = 0; ch < c; ch++) {
      const from = (fo * c + ch) * 9;
      const to = (ch * f + fo) * 9;
      for (let t = 0; t < 9; t++) rotated[to + t] = w[from + 8 - t]!;
    }
  }
  const transposed = winogradInputGradGeometry(geo);
  const down = new Float32Array(dx.length);
  winogradConv2dForward(rt, g, rotated, null, transposed, down, { relu: false, pool: false }, options);
  for (let i = 0; i < dx.length; i++) dx[i]! += down[i]!;
}

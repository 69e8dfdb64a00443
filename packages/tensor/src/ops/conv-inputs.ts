import { allocate, type DType, type Storage } from '../storage.js';
import type { Tensor } from '../tensor.js';
import { input } from './op.js';

/** Contiguous values of `t` in `dtype` (kernels need one dtype for every buffer). */
export function valuesAs(t: Tensor, dtype: DType): Storage {
  const v = t.values();
  if (t.dtype === dtype) return v;
  const out = allocate(dtype, v.length);
  out.set(v);
  return out;
}

export function convDType(inputs: readonly Tensor[]): DType {
  return inputs.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
}

export function requireRank(op: string, name: string, t: Tensor, rank: number): void {
  if (t.ndim !== rank)
    throw new Error(`${op}: ${name} must have rank ${rank}, got shape [${t.shape.join(', ')}]`);
}

/**
 * The image, weight and optional bias of a convolution, checked: image and weight of rank 4, the
 * weight's axis `channelAxis` as long as the image's channels, the bias as long as its other channel axis.
 */
export function convOperands(
  op: string,
  inputs: readonly Tensor[],
  channelAxis: 0 | 1,
): { x: Tensor; w: Tensor; b: Tensor | null } {
  const x = input(inputs, 0);
  const w = input(inputs, 1);
  const b = inputs[2] ?? null;
  requireRank(op, 'input', x, 4);
  requireRank(op, 'weight', w, 4);
  const channels = x.shape[1]!;
  const expects = w.shape[channelAxis]!;
  const outChannels = w.shape[1 - channelAxis]!;
  if (expects !== channels)
    throw new Error(`${op}: input has ${channels} channels, weight expects ${expects}`);
  if (b && (b.ndim !== 1 || b.shape[0] !== outChannels))
    throw new Error(`${op}: bias must have shape [${outChannels}]`);
  return { x, w, b };
}

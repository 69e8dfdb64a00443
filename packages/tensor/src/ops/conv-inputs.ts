import { allocate, type DType, type Storage } from '../storage.js';
import type { Tensor } from '../tensor.js';

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

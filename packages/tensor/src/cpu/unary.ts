import { tanhForward } from '../kernels/tanh.js';
import { allocate, type DType, type Storage } from '../storage.js';

export type UnaryKind = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign' | 'relu' | 'sigmoid' | 'tanh';

type Loop = (x: Storage, out: Storage) => void;

// One loop per operation (no per-element closure call).
const loops: Record<UnaryKind, Loop> = {
  neg: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
  },
  exp: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!);
  },
  log: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]!);
  },
  sqrt: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]!);
  },
  abs: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!);
  },
  sign: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.sign(x[i]!);
  },
  relu: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? x[i]! : 0;
  },
  sigmoid: (x, out) => {
    // Written per sign so exp never overflows.
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        out[i] = e / (1 + e);
      }
    }
  },
  tanh: tanhForward,
};

export function unaryKernel(kind: UnaryKind, x: Storage, dtype: DType): Storage {
  const out = allocate(dtype, x.length);
  loops[kind](x, out);
  return out;
}

export function clampKernel(x: Storage, min: number, max: number, dtype: DType): Storage {
  const out = allocate(dtype, x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v < min ? min : v > max ? max : v;
  }
  return out;
}

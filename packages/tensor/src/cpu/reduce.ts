import { contiguousStrides, reducedShape, sizeOf } from '../shape.js';
import { allocate, type DType, type Storage } from '../storage.js';
import type { StridedInput } from './binary.js';
import { coalesce, forEachRow } from './iterate.js';

export type ReduceKind = 'sum' | 'max' | 'min';

const initial: Record<ReduceKind, number> = {
  sum: 0,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** Reduces `x` over sorted, unique `axes`; the result is contiguous in the reduced shape. */
export function reduceKernel(
  kind: ReduceKind,
  x: StridedInput,
  axes: readonly number[],
  keepDims: boolean,
  dtype: DType,
): { data: Storage; shape: number[] } {
  const shape = reducedShape(x.shape, axes, keepDims);
  const out = allocate(dtype, sizeOf(shape));
  out.fill(initial[kind]);
  if (sizeOf(x.shape) === 0) return { data: out, shape };
  // Output strides expressed on the input's dimensions: 0 along reduced axes.
  const kept = contiguousStrides(reducedShape(x.shape, axes, true));
  const outStrides = x.shape.map((_, d) => (axes.includes(d) ? 0 : kept[d]!));
  const [dims, [os, xs]] = coalesce(x.shape, [outStrides, x.strides]);
  const last = dims.length - 1;
  const oStep = os![last]!;
  const xStep = xs![last]!;
  const src = x.data;
  forEachRow(dims, [os!, xs!], [0, x.offset], (off, n) => {
    let o = off[0]!;
    let i = off[1]!;
    if (oStep === 0) {
      let acc = out[o]!;
      if (kind === 'sum') for (let j = 0; j < n; j++, i += xStep) acc += src[i]!;
      else if (kind === 'max') for (let j = 0; j < n; j++, i += xStep) acc = src[i]! > acc ? src[i]! : acc;
      else for (let j = 0; j < n; j++, i += xStep) acc = src[i]! < acc ? src[i]! : acc;
      out[o] = acc;
    } else if (kind === 'sum') {
      for (let j = 0; j < n; j++, i += xStep, o += oStep) out[o]! += src[i]!;
    } else if (kind === 'max') {
      for (let j = 0; j < n; j++, i += xStep, o += oStep) if (src[i]! > out[o]!) out[o] = src[i]!;
    } else {
      for (let j = 0; j < n; j++, i += xStep, o += oStep) if (src[i]! < out[o]!) out[o] = src[i]!;
    }
  });
  return { data: out, shape };
}

/** Index of the largest (or smallest) element along one axis; ties pick the first. */
export function argReduceKernel(
  kind: 'max' | 'min',
  x: Storage,
  shape: readonly number[],
  axis: number,
  dtype: DType,
): Storage {
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const out = allocate(dtype, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      let best = 0;
      let bestValue = x[o * n * inner + k]!;
      for (let j = 1; j < n; j++) {
        const v = x[(o * n + j) * inner + k]!;
        if (kind === 'max' ? v > bestValue : v < bestValue) {
          best = j;
          bestValue = v;
        }
      }
      out[o * inner + k] = best;
    }
  }
  return out;
}

import { broadcastShapes, broadcastStrides, contiguousStrides, sizeOf } from '../shape.js';
import { allocate, type DType, type Storage } from '../storage.js';
import { coalesce, forEachRow } from './iterate.js';

export type BinaryKind =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge';

type RowFn = (
  out: Storage,
  o: number,
  a: Storage,
  ai: number,
  as: number,
  b: Storage,
  bi: number,
  bs: number,
  n: number,
) => void;

// One small monomorphic loop per operation keeps V8 from going megamorphic in the hot path.
const rows: Record<BinaryKind, RowFn> = {
  add: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! + b[bi]!;
  },
  sub: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! - b[bi]!;
  },
  mul: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! * b[bi]!;
  },
  div: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! / b[bi]!;
  },
  pow: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! ** b[bi]!;
  },
  maximum: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! >= b[bi]! ? a[ai]! : b[bi]!;
  },
  minimum: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! <= b[bi]! ? a[ai]! : b[bi]!;
  },
  eq: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! === b[bi]! ? 1 : 0;
  },
  ne: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! !== b[bi]! ? 1 : 0;
  },
  lt: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! < b[bi]! ? 1 : 0;
  },
  le: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! <= b[bi]! ? 1 : 0;
  },
  gt: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! > b[bi]! ? 1 : 0;
  },
  ge: (out, o, a, ai, as, b, bi, bs, n) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = a[ai]! >= b[bi]! ? 1 : 0;
  },
};

export interface StridedInput {
  data: Storage;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/** Elementwise `a op b` with NumPy broadcasting into a new contiguous buffer. */
export function binaryKernel(
  kind: BinaryKind,
  a: StridedInput,
  b: StridedInput,
  dtype: DType,
): { data: Storage; shape: number[] } {
  const shape = broadcastShapes(a.shape, b.shape);
  const size = sizeOf(shape);
  const out = allocate(dtype, size);
  if (size === 0) return { data: out, shape };
  const [dims, [os, as, bs]] = coalesce(shape, [
    contiguousStrides(shape),
    broadcastStrides(a.shape, a.strides, shape),
    broadcastStrides(b.shape, b.strides, shape),
  ]);
  const fn = rows[kind];
  const last = dims.length - 1;
  const ais = as![last]!;
  const bis = bs![last]!;
  forEachRow(dims, [os!, as!, bs!], [0, a.offset, b.offset], (off, n) => {
    fn(out, off[0]!, a.data, off[1]!, ais, b.data, off[2]!, bis, n);
  });
  return { data: out, shape };
}

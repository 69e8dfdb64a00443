import { apply } from '../apply.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** New shape with at most one -1, inferred from the element count. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1);
  const free = shape.length - known.length;
  if (free > 1) throw new Error('reshape: at most one dimension may be -1');
  const resolved =
    free === 1 ? shape.map((d) => (d === -1 ? x.size / Math.max(sizeOf(known), 1) : d)) : [...shape];
  if (resolved.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(resolved) !== x.size) {
    throw new Error(`cannot reshape [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  }
  return apply('reshape', [x], { shape: resolved });
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const p = perm.map((a) => normalizeAxis(a, x.ndim));
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new Error(`permute: [${perm.join(', ')}] is not a permutation of ${x.ndim} axes`);
  }
  return apply('permute', [x], { perm: p });
}

export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const perm = x.shape.map((_, i) => i);
  const i = normalizeAxis(a, x.ndim);
  const j = normalizeAxis(b, x.ndim);
  perm[i] = j;
  perm[j] = i;
  return permute(x, perm);
}

/** Per axis `[start, stop, step?]` (negative start/stop count from the end) or null for the whole axis. */
export type Range = readonly [number, number, number?] | readonly [number, number] | null;

export function slice(x: Tensor, ranges: readonly Range[]): Tensor {
  const starts: number[] = [];
  const stops: number[] = [];
  const steps: number[] = [];
  x.shape.forEach((n, d) => {
    const r = ranges[d] ?? null;
    const step = r?.[2] ?? 1;
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`slice: step must be a positive integer, got ${step}`);
    const clip = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const start = r ? clip(r[0]) : 0;
    starts.push(start);
    stops.push(Math.max(r ? clip(r[1]) : n, start));
    steps.push(step);
  });
  return apply('slice', [x], { starts, stops, steps });
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return apply('expand', [x], { shape: [...shape] });
}

/** Constant padding, `[before, after]` per axis (missing axes are not padded). */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  const full = x.shape.map((_, i): [number, number] => {
    const p = pads[i] ?? [0, 0];
    if (p[0] < 0 || p[1] < 0) throw new Error('pad: negative padding');
    return [p[0], p[1]];
  });
  return apply('pad', [x], { pads: full, value });
}

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (!first) throw new Error('concat needs at least one tensor');
  return apply('concat', xs, { axis: normalizeAxis(axis, first.ndim) });
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const a = normalizeAxis(axis, x.ndim);
  if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${axis} has size ${x.shape[a]}, not 1`);
  return reshape(
    x,
    x.shape.filter((_, i) => i !== a),
  );
}

export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (!first) throw new Error('stack needs at least one tensor');
  const a = normalizeAxis(axis, first.ndim + 1);
  return concat(
    xs.map((t) => unsqueeze(t, a)),
    a,
  );
}

/** Keeps the first `startAxis` axes and merges the rest. */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  return reshape(x, [...x.shape.slice(0, startAxis), sizeOf(x.shape.slice(startAxis))]);
}

export function indexSelect(x: Tensor, axis: number, indices: ArrayLike<number>): Tensor {
  return apply('indexSelect', [x], { axis: normalizeAxis(axis, x.ndim), indices: Int32Array.from(indices) });
}

/** torch.gather: `index` has the rank of `x`, given row-major with its shape. */
export function gather(
  x: Tensor,
  axis: number,
  index: ArrayLike<number>,
  indexShape: readonly number[],
): Tensor {
  if (index.length !== sizeOf(indexShape)) throw new Error('gather: index length does not match its shape');
  return apply('gather', [x], {
    axis: normalizeAxis(axis, x.ndim),
    index: Int32Array.from(index),
    indexShape: [...indexShape],
  });
}

export const contiguous = (x: Tensor): Tensor =>
  x.isContiguous() && x.offset === 0 ? x : apply('contiguous', [x], {});

import { reluBackward, reluForward } from '@ocellus/tensor/kernels';
import { describe, expect, it } from 'vitest';
import { prng, randomArray } from './seeded.js';

// Lengths below and above the SIMD cut (2048), and off a multiple of the 4-float vector.
const lengths = [1, 7, 2048, 4099];
const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3, -3];

function input(length: number, seed: number): Float32Array {
  const x = Float32Array.from(randomArray(length, prng(seed)));
  x.set(specials.slice(0, length));
  return x;
}

describe('reluForward', () => {
  it.each(lengths)('keeps positives and zeroes the rest (NaN included) at length %i', (length) => {
    const x = input(length, 1);
    const out = new Float32Array(length).fill(9);
    reluForward(x, out);
    expect(Array.from(out)).toEqual(Array.from(x, (v) => (v > 0 ? v : 0)));
    const x64 = Float64Array.from(x);
    const out64 = new Float64Array(length);
    reluForward(x64, out64);
    expect(Float32Array.from(out64)).toEqual(out);
  });
});

describe('reluBackward', () => {
  it.each(lengths)('passes the gradient only where the input is positive at length %i', (length) => {
    const y = input(length, 2);
    const g = Float32Array.from(randomArray(length, prng(3)));
    g[0] = Number.POSITIVE_INFINITY;
    const dx = new Float32Array(length).fill(9);
    reluBackward(g, y, dx);
    expect(Array.from(dx)).toEqual(Array.from(g, (v, i) => (y[i]! > 0 ? v : 0)));
  });
});

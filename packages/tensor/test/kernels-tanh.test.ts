import * as T from '@ocellus/tensor';
import { fastTanh, tanhForward } from '@ocellus/tensor/kernels';
import { describe, expect, it } from 'vitest';

/** Every float32 input a step of 2^-14 apart over [-10, 10], then the special values. */
function sweep(): Float32Array {
  const step = 2 ** -14;
  const n = Math.round(20 / step);
  const x = new Float32Array(n + 1 + 10);
  for (let i = 0; i <= n; i++) x[i] = -10 + i * step;
  x.set([0, -0, Infinity, -Infinity, Number.NaN, 1e-30, -1e-30, 3e-4, -3e-4, 1e-45], n + 1);
  return x;
}

describe('tanhForward', () => {
  it('is within float32 rounding of Math.tanh (under 1e-7) over [-10, 10] and the special values', () => {
    const x = sweep();
    const out = new Float32Array(x.length);
    tanhForward(x, out);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = Math.tanh(x[i]!);
      if (Number.isNaN(want)) expect(out[i]).toBeNaN();
      else worst = Math.max(worst, Math.abs(out[i]! - want));
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it('is odd, keeps the sign of zero and saturates to exactly ±1', () => {
    const x = sweep();
    for (const v of x) {
      if (!Number.isNaN(v)) expect(fastTanh(-v)).toBe(-fastTanh(v));
    }
    expect(Object.is(fastTanh(-0), -0)).toBe(true);
    expect(Object.is(fastTanh(0), 0)).toBe(true);
    for (const v of [9, 12, 1e30, Infinity]) {
      expect(Math.fround(fastTanh(v))).toBe(1);
      expect(Math.fround(fastTanh(-v))).toBe(-1);
    }
    expect(fastTanh(1e-30)).toBe(1e-30);
  });

  it('is Math.tanh exactly for float64', () => {
    const x = Float64Array.from(sweep());
    const out = new Float64Array(x.length);
    tanhForward(x, out);
    expect(Array.from(out)).toEqual(Array.from(x, Math.tanh));
  });

  it('refuses an output of another length', () => {
    expect(() => tanhForward(new Float32Array(3), new Float32Array(2))).toThrow(RangeError);
  });
});

describe('tanh op', () => {
  it('takes the fast path for float32 tensors and Math.tanh for float64', () => {
    const values = [-8.5, -2, -0.3, 0, 1e-5, 0.7, 4];
    const f32 = T.tanh(T.tensor(values)).values();
    const f64 = T.tanh(T.tensor(values, undefined, { dtype: 'float64' })).values();
    expect(Array.from(f32)).toEqual(values.map((v) => Math.fround(fastTanh(Math.fround(v)))));
    expect(Array.from(f64)).toEqual(values.map(Math.tanh));
  });
});

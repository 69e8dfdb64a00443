import { fans, heNormal, initWeight, smallRandom, xavierUniform } from '@ocellus/nn/init';
import { Linear } from '@ocellus/nn/layers';
import { Rng, type Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

function moments(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.values();
  let s = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    s += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length), min, max };
}

describe('fans', () => {
  it('reads [out, in] for a fully connected weight', () => {
    expect(fans([300, 784])).toEqual({ fanIn: 784, fanOut: 300 });
  });

  it('multiplies the channels by kh * kw for a conv kernel', () => {
    expect(fans([16, 3, 5, 3])).toEqual({ fanIn: 3 * 5 * 3, fanOut: 16 * 5 * 3 });
  });

  it('refuses a vector', () => {
    expect(() => fans([10])).toThrow(/rank >= 2/);
  });
});

describe('initialisers', () => {
  // ~100k samples: the sample std is within ~0.5% of the true one, so a 3% band cannot fail by chance.
  it('small random is N(0, 0.01^2)', () => {
    const m = moments(smallRandom([400, 250], new Rng(1)));
    expect(Math.abs(m.mean)).toBeLessThan(3e-4);
    expect(m.std).toBeGreaterThan(0.0097);
    expect(m.std).toBeLessThan(0.0103);
  });

  it('Xavier uniform stays inside ±sqrt(6/(in+out)) with the variance of that uniform', () => {
    const bound = Math.sqrt(6 / (250 + 400));
    const m = moments(xavierUniform([400, 250], new Rng(2), { fanIn: 250, fanOut: 400 }));
    expect(m.min).toBeGreaterThanOrEqual(-bound);
    expect(m.max).toBeLessThan(bound);
    expect(m.max).toBeGreaterThan(0.99 * bound);
    expect(m.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
  });

  it('He normal has std sqrt(2 / fan_in)', () => {
    const m = moments(heNormal([400, 250], new Rng(3), 250));
    expect(m.std / Math.sqrt(2 / 250)).toBeGreaterThan(0.97);
    expect(m.std / Math.sqrt(2 / 250)).toBeLessThan(1.03);
  });

  it('the leaky He form divides the variance by 1 + a^2', () => {
    const m = moments(heNormal([400, 250], new Rng(4), 250, { negativeSlope: 1 }));
    expect(m.std / Math.sqrt(1 / 250)).toBeGreaterThan(0.97);
    expect(m.std / Math.sqrt(1 / 250)).toBeLessThan(1.03);
  });

  it('uses kh * kw * channels as the fan of a conv kernel', () => {
    const m = moments(initWeight('he', [64, 16, 3, 3], new Rng(5)));
    expect(m.std / Math.sqrt(2 / (16 * 9))).toBeGreaterThan(0.96);
    expect(m.std / Math.sqrt(2 / (16 * 9))).toBeLessThan(1.04);
  });

  it('he-leaky defaults to the LeakyReLU slope 0.01 and honours another', () => {
    const shape = [300, 300];
    const dtype = 'float64';
    const plain = initWeight('he', shape, new Rng(6), { dtype }).values();
    const leaky = initWeight('he-leaky', shape, new Rng(6), { dtype }).values();
    const steep = initWeight('he-leaky', shape, new Rng(6), { dtype, negativeSlope: 3 }).values();
    expect(leaky[7]! / plain[7]!).toBeCloseTo(1 / Math.sqrt(1 + 0.01 ** 2), 12);
    expect(steep[7]! / plain[7]!).toBeCloseTo(1 / Math.sqrt(10), 12);
  });

  it('is reproducible from the seed and differs across seeds', () => {
    const a = initWeight('xavier', [5, 7], new Rng(9)).values();
    const b = initWeight('xavier', [5, 7], new Rng(9)).values();
    const c = initWeight('xavier', [5, 7], new Rng(10)).values();
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });
});

describe('layer initialisation', () => {
  it('Linear defaults to He normal with a zero bias', () => {
    const layer = new Linear(500, 300, { seed: 1 });
    const m = moments(layer.weight);
    expect(m.std / Math.sqrt(2 / 500)).toBeGreaterThan(0.97);
    expect(m.std / Math.sqrt(2 / 500)).toBeLessThan(1.03);
    expect([...layer.bias!.values()].every((b) => b === 0)).toBe(true);
  });

  it('Linear follows the init option, seed and rng', () => {
    const small = new Linear(500, 300, { init: 'small', seed: 1 });
    expect(moments(small.weight).std).toBeCloseTo(0.01, 3);
    const rng = new Rng(4);
    const first = new Linear(3, 2, { rng });
    const second = new Linear(3, 2, { rng });
    expect([...first.weight.values()]).not.toEqual([...second.weight.values()]);
    expect([...new Linear(3, 2, { seed: 8 }).weight.values()]).toEqual([
      ...new Linear(3, 2, { seed: 8 }).weight.values(),
    ]);
  });
});

import { Rng } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { jitterBoxCodes } from '../src/localize/box-jitter.js';

const codes = new Float32Array([0.5, 0.5, 0.4, 0.2, 0.2, 0.7, 0.1, 0.3]);

describe('the class head box jitter', () => {
  it('moves each centre by at most the amount of its size and scales each side within e^±amount', () => {
    const rng = new Rng(3);
    let moved = 0;
    for (let round = 0; round < 200; round++) {
      const out = jitterBoxCodes(codes, 0.1, rng);
      for (let i = 0; i < codes.length; i += 4) {
        const [w, h] = [codes[i + 2]!, codes[i + 3]!];
        expect(Math.abs(out[i]! - codes[i]!)).toBeLessThanOrEqual(0.1 * w + 1e-7);
        expect(Math.abs(out[i + 1]! - codes[i + 1]!)).toBeLessThanOrEqual(0.1 * h + 1e-7);
        expect(Math.abs(Math.log(out[i + 2]! / w))).toBeLessThanOrEqual(0.1 + 1e-6);
        expect(Math.abs(Math.log(out[i + 3]! / h))).toBeLessThanOrEqual(0.1 + 1e-6);
        moved = Math.max(moved, Math.abs(out[i]! - codes[i]!) / w);
      }
    }
    expect(moved).toBeGreaterThan(0.08);
  });

  it('is the same for the same seed and leaves boxes alone at amount 0', () => {
    expect(jitterBoxCodes(codes, 0.2, new Rng(5))).toEqual(jitterBoxCodes(codes, 0.2, new Rng(5)));
    expect(jitterBoxCodes(codes, 0.2, new Rng(5))).not.toEqual(jitterBoxCodes(codes, 0.2, new Rng(6)));
    expect(jitterBoxCodes(codes, 0, new Rng(5))).toEqual(codes);
  });
});

import type { Rng } from '@ocellus/tensor';

/**
 * Box codes (`encodeBox`: centre and size as fractions of the input) moved and rescaled at random, so a
 * class head trained on true boxes also reads the boxes the box head predicts: each centre shifts by up
 * to `amount` of its box's size, each side is scaled by a factor in `[e^-amount, e^amount]`.
 */
export function jitterBoxCodes(codes: ArrayLike<number>, amount: number, rng: Rng): Float32Array {
  const out = new Float32Array(codes.length);
  const draw = () => (2 * rng.uniform() - 1) * amount;
  for (let i = 0; i < codes.length; i += 4) {
    const w = codes[i + 2]!;
    const h = codes[i + 3]!;
    out[i] = codes[i]! + draw() * w;
    out[i + 1] = codes[i + 1]! + draw() * h;
    out[i + 2] = w * Math.exp(draw());
    out[i + 3] = h * Math.exp(draw());
  }
  return out;
}

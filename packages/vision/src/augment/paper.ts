import type { Rng } from '@ocellus/tensor';

/**
 * Lighting across a sheet, in `[1 - strength, 1]`: a linear fall-off in a random direction plus a
 * vignette about a random centre, the strength split between them at random.
 */
export function illuminationField(width: number, height: number, strength: number, rng: Rng): Float32Array {
  const field = new Float32Array(width * height).fill(1);
  if (!(strength > 0)) return field;
  const gradient = strength * rng.uniform();
  const vignette = strength - gradient;
  const angle = 2 * Math.PI * rng.uniform();
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const [cx, cy] = [rng.uniform() - 0.5, rng.uniform() - 0.5];
  for (let y = 0; y < height; y++) {
    const v = (2 * (y + 0.5)) / height - 1;
    for (let x = 0; x < width; x++) {
      const u = (2 * (x + 0.5)) / width - 1;
      // Both terms lie in [0, 1]: a corner is at most 1.5 from a centre in [-0.5, 0.5] along each axis.
      const fall = 0.5 + 0.5 * (dx * u + dy * v) * Math.SQRT1_2;
      const r2 = ((u - cx) ** 2 + (v - cy) ** 2) / 4.5;
      field[y * width + x] = 1 - gradient * fall - vignette * Math.min(1, r2);
    }
  }
  return field;
}

/** A colour of a given grey level pushed towards a random hue by `chroma`, per RGB channel, in [0, 1]. */
export function tintedColour(level: number, chroma: number, rng: Rng): [number, number, number] {
  const hue = 6 * rng.uniform();
  // The fully saturated colour of that hue (HSV with S = V = 1), centred on its mean.
  const rgb = [5, 3, 1].map((n) => {
    const k = (n + hue) % 6;
    return 1 - Math.max(0, Math.min(k, 4 - k, 1));
  });
  const mean = (rgb[0]! + rgb[1]! + rgb[2]!) / 3;
  const channel = (c: number) => Math.min(1, Math.max(0, level + chroma * (rgb[c]! - mean)));
  return [channel(0), channel(1), channel(2)];
}

/**
 * White-on-black ink levels `ink` (`width x height`, [0, 1]) drawn on paper: each channel is
 * `light x (paper (1 - v) + inkColour v)`, CHW, one plane per colour given.
 */
export function drawOnPaper(
  ink: Float32Array,
  paper: readonly number[],
  inkColour: readonly number[],
  light: Float32Array,
): Float32Array {
  const n = ink.length;
  const out = new Float32Array(paper.length * n);
  for (let c = 0; c < paper.length; c++) {
    const [p, k] = [paper[c]!, inkColour[c]!];
    for (let i = 0; i < n; i++) out[c * n + i] = light[i]! * (p + (k - p) * ink[i]!);
  }
  return out;
}

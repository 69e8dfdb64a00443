import { defaultColourSpaces, toColourSpace } from '@ocellus/vision/proposals';
import { describe, expect, it } from 'vitest';
import { greyImage, rgbImage } from './proposals-support.js';

const COLOURS: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 1, 1],
  [0, 0, 0],
  [0.5, 0.5, 0.5],
  [1, 1, 0],
];

/** Each of `COLOURS` converted to `space`, as `[c0, c1, c2]` in 0..1. */
function converted(space: 'hsv' | 'lab'): number[][] {
  const image = rgbImage(1, COLOURS.length, (x) => COLOURS[x]!);
  const { pixels } = toColourSpace(image, space);
  const n = COLOURS.length;
  return COLOURS.map((_, p) => [pixels[p]!, pixels[n + p]!, pixels[2 * n + p]!]);
}

function expectClose(actual: number[][], expected: number[][], digits: number): void {
  for (const [i, values] of actual.entries()) {
    for (const [c, v] of values.entries()) expect(v).toBeCloseTo(expected[i]![c]!, digits);
  }
}

describe('toColourSpace', () => {
  it('gives hue / 360, saturation and value', () => {
    expectClose(
      converted('hsv'),
      [
        [0, 1, 1],
        [1 / 3, 1, 1],
        [2 / 3, 1, 1],
        [0, 0, 1],
        [0, 0, 0],
        [0, 0, 0.5],
        [1 / 6, 1, 1],
      ],
      6,
    );
  });

  it('gives CIELAB (D65, sRGB companding) as L / 100 and (a + 128) / 255, (b + 128) / 255', () => {
    // Reference L*a*b* of the sRGB primaries, white, black, 50% grey and yellow (D65).
    const lab = [
      [53.24, 80.09, 67.2],
      [87.73, -86.18, 83.18],
      [32.3, 79.19, -107.86],
      [100, 0, 0],
      [0, 0, 0],
      [53.39, 0, 0],
      [97.14, -21.55, 94.48],
    ];
    const scaled = lab.map(([l, a, b]) => [
      l! / 100,
      Math.max(0, (a! + 128) / 255),
      Math.max(0, (b! + 128) / 255),
    ]);
    expectClose(converted('lab'), scaled, 2);
  });

  it('keeps a grey image as it is and an RGB image as RGB', () => {
    const grey = greyImage(2, 2, (x, y) => (x + y) / 2);
    expect(toColourSpace(grey, 'intensity')).toBe(grey);
    const rgb = rgbImage(1, 1, () => [0.1, 0.2, 0.3]);
    expect(toColourSpace(rgb, 'rgb')).toBe(rgb);
  });

  it('uses intensity for one channel and the fast mode HSV and Lab for three', () => {
    expect(defaultColourSpaces(1)).toEqual(['intensity']);
    expect(defaultColourSpaces(3)).toEqual(['hsv', 'lab']);
  });
});

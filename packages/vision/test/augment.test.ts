import { Rng, rand, type Tensor, tensor } from '@ocellus/tensor';
import {
  augmentation,
  colorJitter,
  horizontalFlip,
  randomCrop,
  randomErasing,
  randomResizedCrop,
} from '@ocellus/vision/augment';
import { describe, expect, it } from 'vitest';

const batch = (n: number, c: number, h: number, w: number, seed = 0) => rand([n, c, h, w], new Rng(seed));
const list = (t: Tensor) => Array.from(t.values());
const expectClose = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 6);
};
const inUnitRange = (t: Tensor) => list(t).every((v) => v >= 0 && v <= 1);

describe('horizontalFlip', () => {
  it('mirrors each row, and twice is the identity', () => {
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
    ]);
    const once = horizontalFlip(x, new Rng(0), 1);
    expect(once.toArray()).toEqual([
      [
        [
          [3, 2, 1],
          [6, 5, 4],
        ],
      ],
    ]);
    expect(list(horizontalFlip(once, new Rng(1), 1))).toEqual(list(x));
    expect(list(horizontalFlip(x, new Rng(0), 0))).toEqual(list(x));
  });

  it('flips about half the images, the same ones for the same seed', () => {
    const x = batch(200, 2, 4, 5);
    const flipped = (seed: number) => {
      const y = horizontalFlip(x, new Rng(seed)).values();
      return Array.from({ length: 200 }, (_, i) => y[i * 40] !== x.values()[i * 40]);
    };
    const count = flipped(3).filter(Boolean).length;
    expect(count).toBeGreaterThan(70);
    expect(count).toBeLessThan(130);
    expect(flipped(3)).toEqual(flipped(3));
    expect(flipped(3)).not.toEqual(flipped(4));
  });
});

describe('randomCrop', () => {
  it('is the identity with no padding and the input size', () => {
    const x = batch(3, 2, 5, 6);
    const y = randomCrop(x, new Rng(1));
    expect(y.shape).toEqual([3, 2, 5, 6]);
    expect(list(y)).toEqual(list(x));
  });

  it('shifts each image by at most the padding, filling with zeros', () => {
    const x = batch(20, 1, 6, 6, 2);
    const y = randomCrop(x, new Rng(5), { padding: 2 });
    const xs = x.values();
    const ys = y.values();
    const shifts = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const shift = [];
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          let same = true;
          for (let r = 0; r < 6 && same; r++) {
            for (let c = 0; c < 6 && same; c++) {
              const sr = r + dy;
              const sc = c + dx;
              const expected = sr >= 0 && sr < 6 && sc >= 0 && sc < 6 ? xs[i * 36 + sr * 6 + sc] : 0;
              same = ys[i * 36 + r * 6 + c] === expected;
            }
          }
          if (same) shift.push(`${dy},${dx}`);
        }
      }
      expect(shift).toHaveLength(1);
      shifts.add(shift[0]!);
    }
    expect(shifts.size).toBeGreaterThan(5);
  });

  it('crops to a smaller size and refuses a crop larger than the padded image', () => {
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ]);
    const y = randomCrop(x, new Rng(0), { size: [2, 2] });
    expect([
      [1, 2, 4, 5],
      [2, 3, 5, 6],
      [4, 5, 7, 8],
      [5, 6, 8, 9],
    ]).toContainEqual(list(y));
    expect(() => randomCrop(x, new Rng(0), { size: [6, 3], padding: 1 })).toThrow(/larger than/);
  });
});

describe('randomResizedCrop', () => {
  // torch 1.13: F.interpolate(x, size, mode='bilinear', align_corners=False) on x = i^1.5 / 24^1.5.
  const x = tensor(
    Array.from({ length: 24 }, (_, i) => i ** 1.5 / 24 ** 1.5),
    [1, 2, 3, 4],
  );
  const torch5x3 = [
    0.001417529, 0.016280717, 0.040837855, 0.029870359, 0.053786575, 0.085342047, 0.072549605, 0.110045361,
    0.152098336, 0.148208853, 0.193597196, 0.242881619, 0.198648352, 0.24929842, 0.303403807, 0.361070471,
    0.422092033, 0.486009602, 0.437829389, 0.502389297, 0.569703891, 0.552967767, 0.622835193, 0.695245325,
    0.683398749, 0.757972798, 0.834940099, 0.770352737, 0.848064534, 0.928069948,
  ];
  const torch2x2 = [
    0.023580953, 0.060908664, 0.17867517, 0.252533617, 0.424638772, 0.521601483, 0.734765296, 0.850162635,
  ];
  const whole = { scale: [1, 1], ratio: [4 / 3, 4 / 3] } as const;

  it('resizes the whole image like PyTorch bilinear interpolation when the crop is everything', () => {
    const up = randomResizedCrop(x, new Rng(0), { ...whole, size: [5, 3] });
    expect(up.shape).toEqual([1, 2, 5, 3]);
    expectClose(list(up), torch5x3);
    const down = randomResizedCrop(x, new Rng(0), { ...whole, size: [2, 2] });
    expectClose(list(down), torch2x2);
  });

  it('is the identity for the full crop at the input size', () => {
    expect(list(randomResizedCrop(x, new Rng(0), whole))).toEqual(list(x));
  });

  it('keeps shape and range, and is reproducible from the seed', () => {
    const images = batch(8, 3, 16, 16, 4);
    const a = randomResizedCrop(images, new Rng(9));
    expect(a.shape).toEqual([8, 3, 16, 16]);
    expect(inUnitRange(a)).toBe(true);
    expect(list(a)).toEqual(list(randomResizedCrop(images, new Rng(9))));
    expect(list(a)).not.toEqual(list(randomResizedCrop(images, new Rng(10))));
    expect(list(a)).not.toEqual(list(images));
  });

  it('magnifies a constant patch into a constant image', () => {
    const flat = tensor(new Array(64).fill(0.25), [1, 1, 8, 8]);
    expect(list(randomResizedCrop(flat, new Rng(2), { size: [5, 7] })).every((v) => v === 0.25)).toBe(true);
    expect(() => randomResizedCrop(flat, new Rng(0), { scale: [0.5, 0.1] })).toThrow(/scale/);
  });
});

describe('colorJitter', () => {
  const rgb = batch(6, 3, 4, 4, 7);

  it('leaves images alone with zero strengths (factor 1)', () => {
    expect(list(colorJitter(rgb, new Rng(0), {}))).toEqual(list(rgb));
    expect(list(colorJitter(rgb, new Rng(0), { brightness: 0, contrast: 0, saturation: 0 }))).toEqual(
      list(rgb),
    );
  });

  it('scales brightness by one factor per image within [1 - s, 1 + s]', () => {
    const dim = tensor(
      Array.from({ length: 2 * 16 }, (_, i) => 0.1 + 0.01 * (i % 16)),
      [2, 1, 4, 4],
    );
    const y = colorJitter(dim, new Rng(3), { brightness: 0.5 }).values();
    const x = dim.values();
    for (let i = 0; i < 2; i++) {
      const f = y[i * 16]! / x[i * 16]!;
      expect(f).toBeGreaterThanOrEqual(0.5);
      expect(f).toBeLessThanOrEqual(1.5);
      for (let p = 0; p < 16; p++) expect(y[i * 16 + p]).toBeCloseTo(f * x[i * 16 + p]!, 6);
    }
  });

  it('changes contrast about the mean grey level, which it keeps when nothing clips', () => {
    const grey = tensor(
      Array.from({ length: 16 }, (_, i) => 0.4 + 0.01 * i),
      [1, 1, 4, 4],
    );
    const y = list(colorJitter(grey, new Rng(1), { contrast: 0.5 }));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(y)).toBeCloseTo(mean(list(grey)), 6);
    expect(y).not.toEqual(list(grey));
  });

  it('ignores saturation on grey images and keeps grey RGB pixels grey', () => {
    const grey = batch(4, 1, 5, 5, 8);
    expect(list(colorJitter(grey, new Rng(2), { saturation: 0.9 }))).toEqual(list(grey));
    const greyRgb = tensor([0.2, 0.7, 0.2, 0.7, 0.2, 0.7], [1, 3, 1, 2]);
    list(colorJitter(greyRgb, new Rng(2), { saturation: 0.9 })).forEach((v, i) => {
      expect(v).toBeCloseTo(list(greyRgb)[i]!, 4);
    });
    const y = colorJitter(rgb, new Rng(2), { saturation: 0.9 });
    expect(list(y)).not.toEqual(list(rgb));
  });

  it('keeps shape and the [0, 1] range, reproducibly', () => {
    const options = { brightness: 0.8, contrast: 0.8, saturation: 0.8 };
    const y = colorJitter(rgb, new Rng(4), options);
    expect(y.shape).toEqual(rgb.shape);
    expect(inUnitRange(y)).toBe(true);
    expect(list(y)).toEqual(list(colorJitter(rgb, new Rng(4), options)));
    expect(() => colorJitter(rgb, new Rng(4), { contrast: -1 })).toThrow(/>= 0/);
  });
});

describe('randomErasing', () => {
  /** The erased pixels of each image of a single-channel batch, as a set of indices per image. */
  const changed = (x: Tensor, y: Tensor) => {
    const [n, , h, w] = x.shape as [number, number, number, number];
    const [xs, ys] = [x.values(), y.values()];
    return Array.from({ length: n }, (_, i) =>
      Array.from({ length: h * w }, (_, p) => p).filter((p) => xs[i * h * w + p] !== ys[i * h * w + p]),
    );
  };
  /** The bounding rows and columns of a set of pixel indices in a row-major image of width `w`. */
  const extent = (pixels: number[], w: number) => {
    const rows = pixels.map((p) => Math.floor(p / w));
    const cols = pixels.map((p) => p % w);
    return {
      height: Math.max(...rows) - Math.min(...rows) + 1,
      width: Math.max(...cols) - Math.min(...cols) + 1,
    };
  };

  it('fills one solid rectangle of the asked area and ratio with the value, on every channel', () => {
    const x = batch(40, 3, 20, 24, 4);
    const y = randomErasing(x, new Rng(2), { probability: 1, scale: [0.1, 0.2], ratio: [0.5, 2], value: -1 });
    const [xs, ys] = [x.values(), y.values()];
    const plane = 20 * 24;
    for (let i = 0; i < 40; i++) {
      const erased: number[] = [];
      for (let p = 0; p < plane; p++) {
        const values = [0, 1, 2].map((ch) => ys[(i * 3 + ch) * plane + p]!);
        if (values.every((v) => v === -1)) erased.push(p);
        else for (let ch = 0; ch < 3; ch++) expect(values[ch]).toBe(xs[(i * 3 + ch) * plane + p]);
      }
      const { height, width } = extent(erased, 24);
      expect(height * width).toBe(erased.length);
      expect(erased.length / plane).toBeGreaterThan(0.07);
      expect(erased.length / plane).toBeLessThan(0.25);
      expect(height / width).toBeGreaterThan(0.3);
      expect(height / width).toBeLessThan(3);
    }
  });

  it('erases about `probability` of the images, with random values in [0, 1) by default, reproducibly', () => {
    const x = batch(300, 1, 10, 10, 5);
    const erase = (seed: number) => randomErasing(x, new Rng(seed), { probability: 0.3 });
    const erasedImages = changed(x, erase(8)).filter((pixels) => pixels.length > 0).length;
    expect(erasedImages).toBeGreaterThan(60);
    expect(erasedImages).toBeLessThan(120);
    expect(inUnitRange(erase(8))).toBe(true);
    expect(list(erase(8))).toEqual(list(erase(8)));
    expect(list(erase(8))).not.toEqual(list(erase(9)));
    expect(list(randomErasing(x, new Rng(8), { probability: 0 }))).toEqual(list(x));
  });

  it('leaves an image alone when no box of the asked area fits, and refuses bad ranges', () => {
    const x = batch(4, 1, 6, 6, 6);
    expect(list(randomErasing(x, new Rng(1), { probability: 1, scale: [0.95, 1], ratio: [1, 1] }))).toEqual(
      list(x),
    );
    expect(() => randomErasing(x, new Rng(1), { probability: 1.5 })).toThrow(/probability/);
    expect(() => randomErasing(x, new Rng(1), { scale: [0.4, 0.1] })).toThrow(/scale/);
    expect(() => randomErasing(x, new Rng(1), { ratio: [0, 2] })).toThrow(/ratio/);
  });
});

describe('augmentation', () => {
  const x = batch(5, 1, 28, 28, 1);

  it('is the identity for an empty spec or flip off', () => {
    expect(augmentation({})(x, new Rng(0))).toBe(x);
    expect(augmentation({ flip: false })(x, new Rng(0))).toBe(x);
  });

  it('chains the requested steps reproducibly, keeping shape and range', () => {
    const augment = augmentation({
      flip: true,
      randomCrop: { padding: 2 },
      randomResizedCrop: { scale: [0.6, 1] },
      colorJitter: { brightness: 0.3, contrast: 0.3 },
      randomErasing: { probability: 0.5 },
    });
    const a = augment(x, new Rng(6));
    expect(a.shape).toEqual([5, 1, 28, 28]);
    expect(inUnitRange(a)).toBe(true);
    expect(list(a)).toEqual(list(augment(x, new Rng(6))));
    expect(list(a)).not.toEqual(list(augment(x, new Rng(7))));
  });

  it('refuses tensors that are not [N, C, H, W]', () => {
    expect(() => augmentation({ flip: true })(tensor([1, 2]), new Rng(0))).toThrow(/\[N, C, H, W\]/);
  });
});

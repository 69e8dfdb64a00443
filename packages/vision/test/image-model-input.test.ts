import { createRequire } from 'node:module';
import { decodeImage, normalizeDigit, resamplePlane, toModelInput } from '@ocellus/vision/image';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const PIXELS = 28 * 28;

/** MNIST digits of class `d` from the `mnist` package (white ink on black, 0..1), with the canonical split. */
function digitsOf(d: number): { train: Float32Array[]; test: Float32Array[] } {
  const raw: number[] = require(`mnist/src/digits/${d}.json`).data;
  const all = Array.from({ length: raw.length / PIXELS }, (_, i) =>
    Float32Array.from(raw.slice(i * PIXELS, (i + 1) * PIXELS)),
  );
  const cut = Math.floor(0.8 * all.length);
  return { train: all.slice(0, cut), test: all.slice(cut) };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const greyPng = (digit: Float32Array) =>
  sharp(Buffer.from(digit.map((v) => Math.round(v * 255))), { raw: { width: 28, height: 28, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();

/** A photo-like upload: the digit scaled up, off-centre on a larger noisy sheet, coloured ink, JPEG. */
async function photoOf(digit: Float32Array, random: () => number, darkPaper: boolean): Promise<Buffer> {
  const size = 60 + Math.floor(random() * 100);
  const scaled = await sharp(Buffer.from(digit.map((v) => Math.round(v * 255))), {
    raw: { width: 28, height: 28, channels: 1 },
  })
    .resize(size, size, { kernel: 'cubic' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  expect(scaled.length).toBe(size * size);
  const width = size + 40 + Math.floor(random() * 120);
  const height = size + 40 + Math.floor(random() * 80);
  const left = Math.floor(random() * (width - size));
  const top = Math.floor(random() * (height - size));
  const light = [225 + random() * 25, 220 + random() * 25, 205 + random() * 30];
  const dark = [random() * 60, random() * 60, 40 + random() * 100];
  const [paper, ink] = darkPaper ? [dark, light] : [light, dark];
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= left && x < left + size && y >= top && y < top + size;
      const v = inside ? scaled[(y - top) * size + (x - left)]! / 255 : 0;
      for (let c = 0; c < 3; c++) {
        const noise = (random() - 0.5) * 16;
        pixels[3 * (y * width + x) + c] = Math.max(
          0,
          Math.min(255, paper[c]! * (1 - v) + ink[c]! * v + noise),
        );
      }
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

function nearestLabel(x: Float32Array, train: { x: Float32Array; label: number }[]): number {
  let best = Number.POSITIVE_INFINITY;
  let label = -1;
  for (const sample of train) {
    let d = 0;
    for (let i = 0; i < PIXELS; i++) d += (x[i]! - sample.x[i]!) ** 2;
    if (d < best) {
      best = d;
      label = sample.label;
    }
  }
  return label;
}

describe('toModelInput', () => {
  it('lays out RGB as CHW planes in [0, 1]', async () => {
    const png = await sharp(Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]), {
      raw: { width: 2, height: 2, channels: 3 },
    })
      .png()
      .toBuffer();
    const image = await decodeImage(png, { minSide: 1 });
    const input = toModelInput(image, { channels: 3, height: 2, width: 2 }).pixels;
    expect(Array.from(input)).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
    const grey = toModelInput(image, { channels: 1, height: 2, width: 2 }).pixels;
    expect(grey[0]).toBeCloseTo(0.299, 5);
    expect(grey[1]).toBeCloseTo(0.587, 5);
    expect(grey[2]).toBeCloseTo(0.114, 5);
  });

  it('replicates a grey image into three channels', async () => {
    const image = {
      width: 2,
      height: 1,
      channels: 1 as const,
      data: Uint8Array.of(0, 255),
      source: { width: 2, height: 1, format: 'png' },
    };
    expect(Array.from(toModelInput(image, { channels: 3, height: 1, width: 2 }).pixels)).toEqual([
      0, 1, 0, 1, 0, 1,
    ]);
  });

  it('shrinks by area averaging and grows bilinearly', () => {
    const blocks = Float32Array.from({ length: 16 }, (_, i) =>
      (Math.floor(i / 8) + Math.floor((i % 4) / 2)) % 2 ? 1 : 0,
    );
    expect(Array.from(resamplePlane(blocks, 4, 4, 2, 2))).toEqual([0, 1, 1, 0]);
    expect(Array.from(resamplePlane(Float32Array.of(0, 1, 0, 1, 0, 1), 6, 1, 2, 1))).toEqual(
      [1 / 3, 2 / 3].map(Math.fround),
    );
    const grown = resamplePlane(Float32Array.of(0, 1), 2, 1, 4, 1);
    expect(Array.from(grown)).toEqual([0, 0.25, 0.75, 1]);
    const flat = resamplePlane(new Float32Array(35).fill(0.4), 7, 5, 13, 3);
    expect(flat.every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
  });
});

describe('the MNIST recipe for digit models', () => {
  const train: { x: Float32Array; label: number }[] = [];
  const test: { x: Float32Array; label: number }[] = [];
  beforeAll(() => {
    for (let d = 0; d < 10; d++) {
      const { train: tr, test: te } = digitsOf(d);
      for (const x of tr.slice(0, 300)) train.push({ x, label: d });
      for (const x of te.slice(0, 12)) test.push({ x, label: d });
    }
  });

  it('leaves a 28x28 MNIST test digit nearly as it was', async () => {
    let diff = 0;
    for (const { x } of test) {
      const input = toModelInput(await decodeImage(await greyPng(x)), {
        channels: 1,
        height: 28,
        width: 28,
        format: 'mnist-digit',
      }).pixels;
      for (let i = 0; i < PIXELS; i++) diff += Math.abs(input[i]! - x[i]!);
    }
    expect(diff / (test.length * PIXELS)).toBeLessThan(0.03);
  });

  it('centres the ink by its centre of mass inside a 20 px box', () => {
    const sheet = new Float32Array(100 * 60).fill(1);
    for (let y = 10; y < 50; y++) for (let x = 70; x < 80; x++) sheet[y * 100 + x] = 0;
    const digit = normalizeDigit(sheet, 100, 60).pixels;
    const rows = [...Array(28).keys()].filter((y) =>
      digit.subarray(y * 28, y * 28 + 28).some((v) => v > 0.5),
    );
    const cols = [...Array(28).keys()].filter((x) => rows.some((y) => digit[y * 28 + x]! > 0.5));
    expect(rows).toEqual([...Array(20).keys()].map((i) => i + 5));
    expect(cols).toEqual([...Array(5).keys()].map((i) => i + 12));
  });

  it('returns a black field for a blank sheet', () => {
    expect(normalizeDigit(new Float32Array(50 * 50).fill(0.9), 50, 50).pixels.every((v) => v === 0)).toBe(
      true,
    );
  });

  it('makes photo-like uploads of test digits, either polarity, classify as well as the 28x28 originals', async () => {
    const random = lcg(3);
    const spec = { channels: 1, height: 28, width: 28 };
    let original = 0;
    let recipe = 0;
    let plainResize = 0;
    for (const [i, { x, label }] of test.entries()) {
      if (nearestLabel(x, train) === label) original++;
      const photo = await decodeImage(await photoOf(x, random, i % 3 === 0));
      if (nearestLabel(toModelInput(photo, { ...spec, format: 'mnist-digit' }).pixels, train) === label)
        recipe++;
      if (nearestLabel(toModelInput(photo, spec).pixels, train) === label) plainResize++;
    }
    const n = test.length;
    expect(recipe / n).toBeGreaterThanOrEqual(original / n - 0.05);
    expect(recipe / n).toBeGreaterThan(0.85);
    expect(plainResize / n).toBeLessThan(0.3);
  });
});

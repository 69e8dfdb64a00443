import { Rng } from '@ocellus/tensor';
import { loadMnist } from '@ocellus/vision/mnist';
import { type DigitDistortion, digitScenes, distortDigit } from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import { decodeMask, imagePlane, maskExtent } from './scenes-support.js';

const NONE: DigitDistortion = { rotate: 0, shear: 0, elastic: { alpha: 0, sigma: 4 }, share: 1 };
const digitAt = (i: number) => loadMnist().images.subarray(i * 784, (i + 1) * 784);

/** A 28 x 28 plane with ones on the given pixels. */
function plane(on: (x: number, y: number) => boolean): Float32Array {
  return Float32Array.from({ length: 784 }, (_, i) => (on(i % 28, Math.floor(i / 28)) ? 1 : 0));
}

/** The orientation of a plane's mass from its second moments, in degrees in (-90, 90]. */
function orientation(p: Float32Array): number {
  let [m, mx, my] = [0, 0, 0];
  p.forEach((v, i) => {
    m += v;
    mx += v * (i % 28);
    my += v * Math.floor(i / 28);
  });
  const [cx, cy] = [mx / m, my / m];
  let [xx, yy, xy] = [0, 0, 0];
  p.forEach((v, i) => {
    const [dx, dy] = [(i % 28) - cx, Math.floor(i / 28) - cy];
    xx += v * dx * dx;
    yy += v * dy * dy;
    xy += v * dx * dy;
  });
  return (0.5 * Math.atan2(2 * xy, xx - yy) * 180) / Math.PI;
}

const meanAbsDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe('distortDigit', () => {
  it('returns the plane unchanged when every distortion is zero', () => {
    const digit = digitAt(42);
    expect(distortDigit(new Rng(1), digit, NONE)).toEqual(digit);
  });

  it('is fixed by the seed, and differs between seeds', () => {
    const strong = { rotate: 15, shear: 0.3, elastic: { alpha: 34, sigma: 4 }, share: 1 };
    const digit = digitAt(7);
    const a = distortDigit(new Rng(5), digit, strong);
    expect(distortDigit(new Rng(5), digit, strong)).toEqual(a);
    expect(meanAbsDiff(distortDigit(new Rng(6), digit, strong), a)).toBeGreaterThan(0.01);
    expect(meanAbsDiff(a, digit)).toBeGreaterThan(0.01);
  });

  it('leaves a digit outside `share` as it is, drawing as many numbers as for a distorted one', () => {
    const digit = digitAt(7);
    const strong = { rotate: 15, shear: 0.3, elastic: { alpha: 34, sigma: 4 }, share: 0 };
    const [kept, distorted] = [new Rng(9), new Rng(9)];
    expect(distortDigit(kept, digit, strong)).toEqual(digit);
    distortDigit(distorted, digit, { ...strong, share: 1 });
    expect(kept.uniform()).toBe(distorted.uniform());
    const rng = new Rng(3);
    const half = Array.from({ length: 400 }, () => distortDigit(rng, digit, { ...strong, share: 0.5 }));
    const unchanged = half.filter((p) => meanAbsDiff(p, digit) === 0).length;
    expect(unchanged).toBeGreaterThan(160);
    expect(unchanged).toBeLessThan(240);
  });

  it('turns a bar by at most `rotate` degrees either way, reaching near both ends', () => {
    const bar = plane((x, y) => x >= 4 && x <= 23 && y >= 13 && y <= 14);
    const rng = new Rng(2);
    const angles = Array.from({ length: 300 }, () =>
      orientation(distortDigit(rng, bar, { ...NONE, rotate: 20 })),
    );
    expect(Math.max(...angles.map(Math.abs))).toBeLessThanOrEqual(20.5);
    expect(Math.max(...angles)).toBeGreaterThan(18);
    expect(Math.min(...angles)).toBeLessThan(-18);
  });

  it('slants a vertical bar by at most `shear` pixels across per pixel down', () => {
    const bar = plane((x, y) => x >= 13 && x <= 14 && y >= 4 && y <= 23);
    const rng = new Rng(4);
    const slopes = Array.from({ length: 300 }, () => {
      const angle = orientation(distortDigit(rng, bar, { ...NONE, shear: 0.4 }));
      return Math.tan(((90 - Math.abs(angle)) * Math.PI) / 180) * Math.sign(angle);
    });
    expect(Math.max(...slopes.map(Math.abs))).toBeLessThanOrEqual(0.41);
    expect(Math.max(...slopes.map(Math.abs))).toBeGreaterThan(0.36);
  });

  it('moves pixels further as the elastic alpha grows, as much near the edges as in the middle', () => {
    const digit = digitAt(123);
    const moved = (alpha: number) => {
      const rng = new Rng(8);
      const elastic = { ...NONE, elastic: { alpha, sigma: 4 } };
      return Array.from({ length: 50 }, () => meanAbsDiff(distortDigit(rng, digit, elastic), digit)).reduce(
        (s, v) => s + v / 50,
        0,
      );
    };
    const [weak, strong] = [moved(8), moved(34)];
    expect(weak).toBeGreaterThan(0);
    expect(strong).toBeGreaterThan(2 * weak);
    const ramp = Float32Array.from({ length: 784 }, (_, i) => (i % 28) / 27);
    const rng = new Rng(10);
    const shift = new Float64Array(784);
    for (let draw = 0; draw < 200; draw++) {
      const out = distortDigit(rng, ramp, { ...NONE, elastic: { alpha: 34, sigma: 4 } });
      out.forEach((v, i) => {
        shift[i] = shift[i]! + Math.abs(v - ramp[i]!) / 200;
      });
    }
    const [centre, edge] = [shift[14 * 28 + 14]!, shift[14 * 28 + 2]!];
    expect(edge).toBeLessThan(1.5 * centre);
    expect(edge).toBeGreaterThan(centre / 1.5);
  });
});

describe('digitScenes with distort', () => {
  const distort = { rotate: 12, shear: 0.2, elastic: { alpha: 30, sigma: 4 }, share: 1 };
  const plain = digitScenes({ split: 'train', count: 40, seed: 3 });
  const bent = digitScenes({ split: 'train', count: 40, seed: 3, distort });

  it('is fixed by the seed', () => {
    const again = digitScenes({ split: 'train', count: 40, seed: 3, distort });
    expect(again.set.images).toEqual(bent.set.images);
    expect(again.objects).toEqual(bent.objects);
  });

  it('draws other pixels than the undistorted scenes', () => {
    const changed = plain.objects.filter(
      (_, i) => meanAbsDiff(imagePlane(plain, i), imagePlane(bent, i)) > 0,
    );
    expect(changed.length).toBe(40);
  });

  it('keeps each box tight around its distorted mask, and the mask on the digit pixels', () => {
    const { height, width } = bent.set;
    bent.objects.forEach((objects, i) => {
      const image = imagePlane(bent, i);
      for (const object of objects) {
        const mask = decodeMask(object.mask);
        expect(maskExtent(mask, height, width)).toEqual(object.box);
        mask.forEach((on, p) => {
          if (on) expect(image[p]).toBeGreaterThan(0.5 - 1 / 255);
        });
      }
    });
  });
});

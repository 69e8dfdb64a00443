import { Rng } from '@ocellus/tensor';
import { jpegRoundTrip, photoLike, photoLikeAsync } from '@ocellus/vision/augment';
import { describe, expect, it } from 'vitest';
import { digitScene } from './digit-scene-fixture.js';

const scene = digitScene(21);

/** Mean of the pixels where `inside` holds. */
function meanWhere(pixels: Float32Array, inside: (i: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < pixels.length; i++) {
    if (!inside(i)) continue;
    sum += pixels[i]!;
    count++;
  }
  return sum / count;
}

const isInk = (i: number) => scene.pixels[i]! > 0.9;
const isPaper = (i: number) => scene.pixels[i] === 0;

describe('photoLike', () => {
  it('gives the same image and objects for the same seed, and a different image for another', async () => {
    const a = await photoLikeAsync(scene, new Rng(5), { rgb: true, jpeg: { probability: 1 } });
    const b = await photoLikeAsync(scene, new Rng(5), { rgb: true, jpeg: { probability: 1 } });
    const c = await photoLikeAsync(scene, new Rng(6), { rgb: true, jpeg: { probability: 1 } });
    expect(b.pixels).toEqual(a.pixels);
    expect(b.objects).toEqual(a.objects);
    expect(c.pixels).not.toEqual(a.pixels);
  });

  it("keeps the other steps' draws when one step is switched off", () => {
    const all = photoLike(scene, new Rng(5), { zoom: [0.5, 2], translate: 0.3 });
    const quiet = photoLike(scene, new Rng(5), {
      zoom: [0.5, 2],
      translate: 0.3,
      noise: [0, 0],
      blur: [0, 0],
    });
    expect(quiet.objects).toEqual(all.objects);
    expect(quiet.objects.map((o) => o.box)).not.toEqual(scene.objects.map((o) => o.box));
  });

  it('draws dark ink on light paper when asked, and light ink on dark paper otherwise', () => {
    const dark = photoLike(scene, new Rng(1), { darkInk: 1, zoom: [1, 1], translate: 0 });
    expect(meanWhere(dark.pixels, isInk)).toBeLessThan(0.4);
    expect(meanWhere(dark.pixels, isPaper)).toBeGreaterThan(0.45);
    const light = photoLike(scene, new Rng(1), { darkInk: 0, zoom: [1, 1], translate: 0 });
    expect(meanWhere(light.pixels, isInk)).toBeGreaterThan(0.5);
    expect(meanWhere(light.pixels, isPaper)).toBeLessThan(0.3);
  });

  it('lights the sheet unevenly: paper levels spread with unevenness and stay flat without it', () => {
    const spread = (unevenness: number) => {
      const out = photoLike(scene, new Rng(2), {
        darkInk: 1,
        unevenness,
        noise: [0, 0],
        zoom: [1, 1],
        translate: 0,
      });
      const paper = out.pixels.filter((_, i) => isPaper(i));
      return Math.max(...paper) - Math.min(...paper);
    };
    expect(spread(0)).toBeLessThan(1e-6);
    expect(spread(0.6)).toBeGreaterThan(0.05);
  });

  it('colours the ink in three CHW planes when rgb is set', () => {
    const out = photoLike(scene, new Rng(4), { rgb: true });
    expect(out.channels).toBe(3);
    expect(out.pixels.length).toBe(3 * 128 * 128);
    const plane = 128 * 128;
    let differ = 0;
    for (let i = 0; i < plane; i++)
      differ = Math.max(differ, Math.abs(out.pixels[i]! - out.pixels[2 * plane + i]!));
    expect(differ).toBeGreaterThan(0.02);
  });

  it('adds Gaussian noise of the drawn sigma to flat paper', () => {
    const out = photoLike(scene, new Rng(8), {
      darkInk: 1,
      paper: [0.5, 0.5],
      unevenness: 0,
      noise: [0.05, 0.05],
      zoom: [1, 1],
      translate: 0,
    });
    const paper = out.pixels.filter((_, i) => isPaper(i) && i % 128 > 2 && i % 128 < 125);
    const mean = paper.reduce((a, v) => a + v, 0) / paper.length;
    const sd = Math.sqrt(paper.reduce((a, v) => a + (v - mean) ** 2, 0) / paper.length);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sd).toBeGreaterThan(0.045);
    expect(sd).toBeLessThan(0.055);
  });

  it('blurs the ink: a sharper edge without blur than with it', () => {
    const edge = (blur: readonly [number, number]) => {
      const out = photoLike(scene, new Rng(9), {
        darkInk: 0,
        paper: [1, 1],
        ink: [0, 0],
        unevenness: 0,
        noise: [0, 0],
        blur,
        zoom: [1, 1],
        translate: 0,
      });
      let total = 0;
      for (let i = 1; i < out.pixels.length; i++) total += Math.abs(out.pixels[i]! - out.pixels[i - 1]!);
      return total;
    };
    expect(edge([1.5, 1.5])).toBeLessThan(0.8 * edge([0, 0]));
  });

  it('refuses an empty or reversed range', () => {
    expect(() => photoLike(scene, new Rng(1), { noise: [0.1, 0] })).toThrow(RangeError);
    expect(() => photoLike(scene, new Rng(1), { zoom: [0, 1] })).toThrow(RangeError);
  });
});

describe('jpegRoundTrip', () => {
  it('changes pixels only slightly at high quality and keeps size and objects', async () => {
    const photo = photoLike(scene, new Rng(3));
    const out = await jpegRoundTrip(photo, new Rng(3), { probability: 1, quality: [90, 90] });
    expect(out.pixels).not.toEqual(photo.pixels);
    let diff = 0;
    for (let i = 0; i < out.pixels.length; i++) diff += Math.abs(out.pixels[i]! - photo.pixels[i]!);
    expect(diff / out.pixels.length).toBeLessThan(0.02);
    expect(out.objects).toBe(photo.objects);
  });

  it('returns the sample itself when the draw skips it', async () => {
    const photo = photoLike(scene, new Rng(3));
    expect(await jpegRoundTrip(photo, new Rng(3), { probability: 0 })).toBe(photo);
  });
});

import type { Box } from '@ocellus/contracts';
import { Rng } from '@ocellus/tensor';
import { boxIou } from '@ocellus/vision/boxes';
import { describe, expect, it } from 'vitest';
import { photoLikeObjects } from '../src/augment/photo-like-objects.js';

const SIDE = 64;

/** A white square (white on black, as the digit sets are) and its box. */
function square(x0: number, y0: number, size: number) {
  const pixels = new Float32Array(SIDE * SIDE);
  for (let y = y0; y < y0 + size; y++) pixels.fill(1, y * SIDE + x0, y * SIDE + x0 + size);
  return { pixels, objects: [{ index: 7, box: [x0, y0, x0 + size, y0 + size] as Box }] };
}

/** The extent of the pixels above 0.5, as a box. */
function inkBox(pixels: Float32Array): [number, number, number, number] {
  let [x1, y1, x2, y2] = [SIDE, SIDE, 0, 0];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      if (pixels[y * SIDE + x]! > 0.5) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
    }
  }
  return [x1, y1, x2, y2];
}

describe('photo-like training images with their objects', () => {
  const augment = photoLikeObjects(SIDE, SIDE);

  it('moves the box with the ink through size, aspect, zoom, polarity and the digit-scene normalisation', () => {
    const rng = new Rng(3);
    let changed = 0;
    let kept = 0;
    for (let i = 0; i < 40; i++) {
      const image = square(10 + (i % 20), 14, 24);
      const before = Float32Array.from(image.pixels);
      const out = augment(image, rng);
      if (out.pixels.every((v, p) => v === before[p])) kept++;
      expect(out.pixels).toHaveLength(SIDE * SIDE);
      const [moved] = out.objects;
      if (moved === undefined) continue;
      expect(moved.index).toBe(7);
      expect(boxIou(moved.box, inkBox(out.pixels))).toBeGreaterThan(0.8);
      if (boxIou(moved.box, image.objects[0]!.box) < 0.95) changed++;
    }
    // About half the images are made photo-like, the rest left as the evaluation sets are.
    expect(changed).toBeGreaterThan(10);
    expect(kept).toBeGreaterThan(10);
  });

  it('gives the same image and box for the same seed', () => {
    const a = augment(square(20, 20, 20), new Rng(9));
    const b = augment(square(20, 20, 20), new Rng(9));
    expect(Array.from(b.pixels)).toEqual(Array.from(a.pixels));
    expect(b.objects).toEqual(a.objects);
  });

  it('drops an object pushed off the canvas and keeps the others', () => {
    const pixels = new Float32Array(SIDE * SIDE);
    const objects = [
      { index: 1, box: [20, 20, 40, 40] as Box },
      { index: 2, box: [-30, 0, -10, 20] as Box },
    ];
    let photos = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const out = augment({ pixels, objects }, new Rng(seed));
      if (out.pixels === pixels) {
        expect(out.objects).toBe(objects);
        continue;
      }
      photos++;
      expect(out.objects.map((o) => o.index)).toEqual([1]);
    }
    expect(photos).toBeGreaterThan(0);
  });

  it('makes the given share of images photo-like, half unless given', () => {
    const photoShare = (share?: number) => {
      const augment = photoLikeObjects(SIDE, SIDE, share === undefined ? {} : { share });
      const rng = new Rng(11);
      let photos = 0;
      for (let i = 0; i < 200; i++) {
        const image = square(20, 20, 16);
        const before = Float32Array.from(image.pixels);
        if (!augment(image, rng).pixels.every((v, p) => v === before[p])) photos++;
      }
      return photos / 200;
    };
    expect(photoShare(0)).toBe(0);
    expect(photoShare(1)).toBe(1);
    expect(photoShare(0.8)).toBeGreaterThan(0.7);
    expect(photoShare(0.8)).toBeLessThan(0.9);
    expect(photoShare()).toBeGreaterThan(0.4);
    expect(photoShare()).toBeLessThan(0.6);
  });

  it('with keepFrame, changes the look and size of the upload but leaves every object where it was', () => {
    const keep = photoLikeObjects(SIDE, SIDE, { keepFrame: true });
    const rng = new Rng(5);
    let photos = 0;
    for (let i = 0; i < 30; i++) {
      // At the canvas's edge, where a zoom or shift would push part of it off.
      const image = square(i % 2 === 0 ? 0 : SIDE - 20, 4 + i, 20);
      const before = Float32Array.from(image.pixels);
      const out = keep(image, rng);
      if (out.pixels.every((v, p) => v === before[p])) continue;
      photos++;
      expect(out.objects).toHaveLength(1);
      const [moved] = out.objects;
      for (const [k, v] of moved!.box.entries()) expect(v).toBeCloseTo(image.objects[0]!.box[k]!, 9);
      expect(boxIou(image.objects[0]!.box, inkBox(out.pixels))).toBeGreaterThan(0.8);
    }
    expect(photos).toBeGreaterThan(5);
  });

  it('with jpeg, stores each photo-like image as its upload would be, JPEG that share of the time, else 8-bit', () => {
    const meanApart = (a: Float32Array, b: Float32Array) =>
      a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
    const [asDrawn, eightBit, jpeg] = [undefined, 0, 1].map((share) =>
      photoLikeObjects(SIDE, SIDE, { share: 1, ...(share === undefined ? {} : { jpeg: share }) }),
    );
    let eightBitApart = 0;
    let jpegApart = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const [a, b, c] = [asDrawn!, eightBit!, jpeg!].map((augment) =>
        augment(square(12, 10, 30), new Rng(seed)),
      );
      // The upload's size, look and the boxes are drawn first, so they stay as they were.
      expect(b!.objects).toEqual(a!.objects);
      expect(c!.objects).toEqual(a!.objects);
      eightBitApart += meanApart(b!.pixels, a!.pixels) / 20;
      jpegApart += meanApart(c!.pixels, a!.pixels) / 20;
    }
    expect(eightBitApart).toBeGreaterThan(0);
    expect(eightBitApart).toBeLessThan(0.01);
    expect(jpegApart).toBeGreaterThan(3 * eightBitApart);
  });
});

import { decodeImage, ImageError, type ImageErrorKind } from '@ocellus/vision/image';
import { bombPng, greyImage } from '@ocellus/vision/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

function rgbImage(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), 3 * (y * width + x));
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

async function expectImageError(promise: Promise<unknown>, kind: ImageErrorKind): Promise<ImageError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageError);
  expect((err as ImageError).kind).toBe(kind);
  return err as ImageError;
}

describe('decodeImage', () => {
  let png: Buffer;
  let jpeg: Buffer;
  beforeAll(async () => {
    const image = rgbImage(40, 30, (x, y) => [x * 6, y * 8, 200]);
    png = await image.clone().png().toBuffer();
    jpeg = await image.clone().jpeg({ quality: 95 }).toBuffer();
  });

  it('decodes an RGB PNG to interleaved 8-bit RGB with its size', async () => {
    const image = await decodeImage(png);
    expect([image.width, image.height, image.channels]).toEqual([40, 30, 3]);
    expect(image.source).toEqual({ width: 40, height: 30, format: 'png' });
    const at = (x: number, y: number) =>
      Array.from(image.data.subarray(3 * (y * 40 + x), 3 * (y * 40 + x) + 3));
    expect(at(0, 0)).toEqual([0, 0, 200]);
    expect(at(39, 29)).toEqual([234, 232, 200]);
  });

  it('keeps a grey image as one channel', async () => {
    const grey = await greyImage(8, 8, (_x, y) => [0, 64, 128, 255][y >> 1] ?? 0);
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const image = await decodeImage(grey);
    expect(image.channels).toBe(1);
    expect(Array.from(image.data.subarray(0, 16))).toEqual(Array(16).fill(0));
    expect(image.data[63]).toBe(255);
  });

  it('flattens transparency onto white paper', async () => {
    const rgba = Buffer.alloc(8 * 8 * 4);
    rgba.set([0, 0, 0, 255], 0);
    const image = await decodeImage(
      await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } })
        .png()
        .toBuffer(),
    );
    expect(image.channels).toBe(3);
    expect(Array.from(image.data.subarray(0, 6))).toEqual([0, 0, 0, 255, 255, 255]);
  });

  it('applies the EXIF orientation and reports the oriented size', async () => {
    const rotated = await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const image = await decodeImage(rotated);
    expect([image.width, image.height]).toEqual([30, 40]);
    expect(image.source).toMatchObject({ width: 30, height: 40, format: 'jpeg' });
  });

  it('shrinks to maxSide but reports the upload size', async () => {
    const image = await decodeImage(png, { maxSide: 20 });
    expect([image.width, image.height]).toEqual([20, 15]);
    expect(image.source).toMatchObject({ width: 40, height: 30 });
  });

  it('refuses a 20000x20000 PNG bomb from its header, without decoding it', async () => {
    const bomb = await bombPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(1_000_000);
    const before = process.memoryUsage().rss;
    const err = await expectImageError(decodeImage(bomb), 'too-many-pixels');
    expect(err.message).toContain('400000000');
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('honours a lower pixel limit', async () => {
    await expectImageError(decodeImage(png, { maxPixels: 1000 }), 'too-many-pixels');
    await expect(decodeImage(png, { maxPixels: 1200 })).resolves.toMatchObject({ width: 40 });
  });

  it('refuses a 1x1 image as too small', async () => {
    const dot = await rgbImage(1, 1, () => [0, 0, 0])
      .png()
      .toBuffer();
    await expectImageError(decodeImage(dot), 'too-small');
    await expect(decodeImage(dot, { minSide: 1 })).resolves.toMatchObject({ width: 1, height: 1 });
  });

  it.each([
    ['PNG', () => png],
    ['JPEG', () => jpeg],
  ])('refuses a truncated %s', async (_name, bytes) => {
    const full = bytes();
    await expectImageError(decodeImage(full.subarray(0, Math.floor(full.length * 0.6))), 'decode-failed');
  });

  it("words a damaged image's error itself: no libvips message, no path; libvips' words stay in the cause", async () => {
    const damagedHeader = Buffer.concat([png.subarray(0, 20), Buffer.alloc(40, 7)]);
    const damagedData = Buffer.from(png);
    damagedData.fill(0x55, 60, png.length - 20);
    for (const bytes of [damagedHeader, damagedData, png.subarray(0, Math.floor(png.length * 0.6))]) {
      const err = await expectImageError(decodeImage(bytes), 'decode-failed');
      expect(err.message).not.toMatch(/vips|libpng|buffer|\//i);
      expect(err.cause).toBeInstanceOf(Error);
    }
  });

  it('refuses text bytes and an empty buffer', async () => {
    await expectImageError(
      decodeImage(Buffer.from('this is not an image, whatever its name says')),
      'decode-failed',
    );
    await expectImageError(decodeImage(Buffer.alloc(0)), 'decode-failed');
  });

  it('refuses SVG, which sharp could render but the service does not accept', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32"/></svg>',
    );
    await expectImageError(decodeImage(svg), 'unsupported-format');
  });
});

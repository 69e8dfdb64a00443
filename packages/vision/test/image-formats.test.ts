import { gzipSync } from 'node:zlib';
import { decodeImage, ImageError, type ImageErrorKind } from '@ocellus/vision/image';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { sniffImageFormat } from '../src/image/formats.js';

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40000" height="40000"><rect width="9" height="9"/></svg>';
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** An ISO-BMFF `ftyp` box with a major and compatible brands, then filler. */
function ftyp(major: string, ...compatible: string[]): Buffer {
  const box = bytes([0, 0, 0, 16 + 4 * compatible.length], 'ftyp', major, [0, 0, 0, 0], ...compatible);
  return Buffer.concat([box, Buffer.alloc(32)]);
}

/** Nested <use>, no declared size: librsvg lays out 10^6 rects just to answer metadata() (5.4 s measured). */
function useBombSvg(depth = 6): Buffer {
  let defs = '<g id="a0"><rect width="10" height="10"/></g>';
  for (let i = 1; i <= depth; i++) {
    const uses = Array.from({ length: 10 }, (_, j) => `<use xlink:href="#a${i - 1}" x="${j}"/>`).join('');
    defs += `<g id="a${i}">${uses}</g>`;
  }
  return Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">' +
      `<defs>${defs}</defs><use xlink:href="#a${depth}"/></svg>`,
  );
}

async function kindOf(promise: Promise<unknown>): Promise<ImageErrorKind | 'decoded'> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (error === null) return 'decoded';
  expect(error).toBeInstanceOf(ImageError);
  return (error as ImageError).kind;
}

describe('sniffImageFormat', () => {
  it.each([
    ['PNG', bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], 'rest'), 'png'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'jpeg'],
    ['WebP', bytes('RIFF', [1, 0, 0, 0], 'WEBPVP8 '), 'webp'],
    ['GIF87a', bytes('GIF87a', [1, 0]), 'gif'],
    ['GIF89a', bytes('GIF89a', [1, 0]), 'gif'],
    ['little-endian TIFF', bytes('II', [0x2a, 0, 8, 0, 0, 0]), 'tiff'],
    ['big-endian TIFF', bytes('MM', [0, 0x2a, 0, 0, 0, 8]), 'tiff'],
    ['BigTIFF', bytes('II', [0x2b, 0, 8, 0, 0, 0]), 'tiff'],
    ['HEIC', ftyp('heic', 'mif1', 'heic'), 'heif'],
    ['AVIF', ftyp('avif', 'mif1', 'miaf'), 'heif'],
    ['HEIF by a compatible brand', ftyp('miaf', 'mif1'), 'heif'],
  ])('accepts %s', (_name, input, format) => {
    expect(sniffImageFormat(input)).toEqual({ kind: 'accepted', format });
  });

  it.each([
    ['SVG', Buffer.from(SVG), 'SVG'],
    ['SVG after an XML prolog', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${SVG}`), 'SVG'],
    ['SVG after white space', Buffer.from(`\r\n\t  \n${SVG}`), 'SVG'],
    ['SVG after a UTF-8 byte-order mark', Buffer.from(`\ufeff  ${SVG}`), 'SVG'],
    ['SVG in UTF-16LE with its mark', Buffer.from(`\ufeff${SVG}`, 'utf16le'), 'SVG'],
    ['SVG in UTF-16BE with its mark', Buffer.from(`\ufeff${SVG}`, 'utf16le').swap16(), 'SVG'],
    ['SVG after a doctype', Buffer.from(`<!DOCTYPE svg>${SVG}`), 'SVG'],
    ['gzipped SVG', gzipSync(SVG), 'gzip'],
    ['PDF', bytes('%PDF-1.7\n'), 'PDF'],
    ['PostScript', bytes('%!PS-Adobe-3.0\n'), 'PostScript'],
    ['binary EPS', bytes([0xc5, 0xd0, 0xd3, 0xc6, 0, 0]), 'EPS'],
    ['BMP', bytes('BM', [0, 0, 0, 0]), 'BMP'],
    ['JPEG XL', bytes([0xff, 0x0a, 0, 0]), 'JPEG XL'],
    ['JPEG 2000', bytes([0, 0, 0, 12], 'jP  \r\n', [0x87, 0x0a]), 'JPEG 2000'],
    ['PPM', bytes('P6\n2 2\n255\n'), 'PNM'],
    ['an MP4 video', ftyp('isom', 'isom', 'mp41'), 'ISO media'],
    ['RIFF that is not WebP', bytes('RIFF', [1, 0, 0, 0], 'WAVEfmt '), null],
  ])('refuses %s', (_name, input, named) => {
    const sniffed = sniffImageFormat(input);
    expect(sniffed.kind).not.toBe('accepted');
    if (named !== null) expect(sniffed).toEqual({ kind: 'refused', name: expect.stringContaining(named) });
  });

  it('knows nothing of plain text, a short buffer or an empty one', () => {
    for (const input of [Buffer.from('hello, not a picture'), bytes([0x89, 0x50]), Buffer.alloc(0)]) {
      expect(sniffImageFormat(input)).toEqual({ kind: 'unknown' });
    }
  });
});

describe('decodeImage and the format of an upload', () => {
  const encoded: Record<string, Buffer> = {};
  beforeAll(async () => {
    const raw = Buffer.alloc(16 * 16 * 3, 90);
    const image = () => sharp(raw, { raw: { width: 16, height: 16, channels: 3 } });
    encoded.png = await image().png().toBuffer();
    encoded.jpeg = await image().jpeg().toBuffer();
    encoded.webp = await image().webp().toBuffer();
    encoded.gif = await image().gif().toBuffer();
    encoded.tiff = await image().tiff().toBuffer();
    encoded.heif = await image().avif().toBuffer();
  });

  it.each(['png', 'jpeg', 'webp', 'gif', 'tiff', 'heif'])('decodes %s', async (format) => {
    const image = await decodeImage(encoded[format] as Buffer);
    expect([image.width, image.height, image.source.format]).toEqual([16, 16, format]);
  });

  it('answers unsupported-format for SVG, PDF and PostScript, naming what was sent', async () => {
    const cases: [Buffer, string][] = [
      [Buffer.from(`<?xml version="1.0"?>\n${SVG}`), 'SVG'],
      [bytes('%PDF-1.7\n%...'), 'PDF'],
      [bytes('%!PS-Adobe-3.0\n'), 'PostScript'],
    ];
    for (const [input, named] of cases) {
      const error = await decodeImage(input).catch((e: ImageError) => e);
      expect(error).toMatchObject({ kind: 'unsupported-format', message: expect.stringContaining(named) });
    }
  });

  it('answers decode-failed for bytes of no known format', async () => {
    expect(await kindOf(decodeImage(Buffer.from('just some text')))).toBe('decode-failed');
  });

  it('refuses a 2 KB SVG of nested <use> without handing it to librsvg', async () => {
    const svg = useBombSvg();
    expect(svg.length).toBeLessThan(2100);
    const start = performance.now();
    expect(await kindOf(decodeImage(svg))).toBe('unsupported-format');
    expect(performance.now() - start).toBeLessThan(200);
  });

  it('leaves sharp unable to load SVG in this process, while PNG still loads', async () => {
    await expect(sharp(Buffer.from(SVG)).metadata()).rejects.toThrow(/unsupported image format/);
    await expect(sharp(encoded.png).metadata()).resolves.toMatchObject({ format: 'png' });
  });
});

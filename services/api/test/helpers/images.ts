import { once } from 'node:events';
import zlib from 'node:zlib';
import sharp from 'sharp';

/** A grey image from a function of the pixel (0..255), as PNG or JPEG. */
export function greyImage(
  width: number,
  height: number,
  value: (x: number, y: number) => number,
  format: 'png' | 'jpeg' = 'png',
): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  const image = sharp(data, { raw: { width, height, channels: 1 } }).toColourspace('b-w');
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

export const whitePng = (width = 16, height = 16) => greyImage(width, height, () => 255);
export const blackPng = (width = 16, height = 16) => greyImage(width, height, () => 0);
export const leftHalfPng = (width = 16, height = 16) =>
  greyImage(width, height, (x) => (x < width / 2 ? 255 : 0));

/** A valid 8-bit grey PNG of zeros deflated as a stream: under 1 MB that would decode to width*height bytes. */
export async function bombPng(width: number, height: number): Promise<Buffer> {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const row = Buffer.alloc(width + 1);
  for (let y = 0; y < height; y++) if (!deflate.write(row)) await once(deflate, 'drain');
  deflate.end();
  await once(deflate, 'end');
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.concat(parts)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

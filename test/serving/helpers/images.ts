import { once } from 'node:events';
import zlib from 'node:zlib';
import sharp from 'sharp';

/** A 64x64 grey gradient as PNG or JPEG: a valid image with no digit in it. */
export function gradient(format: 'png' | 'jpeg'): Promise<Buffer> {
  const data = Buffer.from(Array.from({ length: 64 * 64 }, (_, i) => ((i % 64) * (i >> 6)) % 256));
  const image = sharp(data, { raw: { width: 64, height: 64, channels: 1 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a valid 8-bit grey PNG of `width` x `height` zeros, deflated as a stream so
 * the file stays under a megabyte while decoding it would take width*height bytes.
 */
export async function bombPng(width: number, height: number): Promise<Buffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  // Each row is its filter byte (0) and `width` zero pixels.
  const rows = Buffer.alloc((width + 1) * 256);
  for (let y = 0; y < height; y += 256) {
    const chunk = rows.subarray(0, (width + 1) * Math.min(256, height - y));
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.concat(parts)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

import sharp from 'sharp';

/** A one-channel grey image from a function of the pixel (0..255), as PNG or JPEG. */
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

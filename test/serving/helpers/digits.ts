import { gatherBatch } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import sharp from 'sharp';

export interface DigitUpload {
  label: number;
  /** How the digit was turned into a file, for failure messages and per-variant accuracy. */
  variant: string;
  type: 'image/png' | 'image/jpeg';
  bytes: Buffer;
}

const SIDE = 28;
const raw = (channels: 1 | 3, width = SIDE, height = SIDE) => ({ raw: { width, height, channels } });

/** Ink 0..1 on a grey paper: `paper` where there is no ink, `ink` where the stroke is full. */
const onPaper = (ink01: Uint8Array, paper: number, ink: number) =>
  Buffer.from(ink01.map((v) => Math.round(paper + ((ink - paper) * v) / 255)));

/**
 * Photo-like variants of one 28x28 test digit (white ink on black): the digit as MNIST stores it, and
 * the kinds of file a user uploads — scanned dark ink on light paper, a colour photo of a pen stroke, a
 * large off-centre JPEG with margins, a small blurred thumbnail.
 */
async function variantsOf(grey: Uint8Array): Promise<Omit<DigitUpload, 'label'>[]> {
  const mnist = await sharp(Buffer.from(grey), raw(1)).png().toBuffer();
  const scan = await sharp(onPaper(grey, 235, 25), raw(1))
    .resize(112, 112)
    .extend({ top: 20, left: 8, bottom: 0, right: 16, background: '#ebebeb' })
    .jpeg({ quality: 85 })
    .toBuffer();
  const blueInk = Buffer.alloc(SIDE * SIDE * 3);
  grey.forEach((v, i) => {
    const t = v / 255;
    blueInk.set([Math.round(245 - 215 * t), Math.round(238 - 178 * t), Math.round(220 - 80 * t)], i * 3);
  });
  const colour = await sharp(blueInk, raw(3))
    .resize(150, 150)
    .extend({ top: 40, bottom: 10, left: 60, right: 30, background: { r: 245, g: 238, b: 220 } })
    .png()
    .toBuffer();
  const large = await sharp(Buffer.from(grey), raw(1))
    .resize(360, 360)
    .extend({ top: 30, left: 120, right: 20, bottom: 90, background: '#000000' })
    .jpeg({ quality: 75 })
    .toBuffer();
  const thumbnail = await sharp(onPaper(grey, 250, 0), raw(1))
    .resize(20, 20)
    .blur(0.6)
    .png()
    .toBuffer();
  return [
    { variant: 'mnist 28x28 PNG', type: 'image/png', bytes: mnist },
    { variant: 'dark ink on light paper, 136x132 JPEG', type: 'image/jpeg', bytes: scan },
    { variant: 'blue ink on cream, RGB 240x200 PNG', type: 'image/png', bytes: colour },
    { variant: 'light on dark, off-centre 500x480 JPEG', type: 'image/jpeg', bytes: large },
    { variant: 'dark on white, blurred 20x20 PNG', type: 'image/png', bytes: thumbnail },
  ];
}

/** `count` digits of the MNIST test split (never trained on), each in every variant. */
export async function testDigits(count: number, seed = 11): Promise<DigitUpload[]> {
  const batch = gatherBatch(loadMnist(), mnistSubset({ test: count, seed }).test);
  const pixels = batch.inputs.values();
  const uploads: DigitUpload[] = [];
  for (let i = 0; i < batch.size; i++) {
    const grey = Uint8Array.from(pixels.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), (v) =>
      Math.round(v * 255),
    );
    const label = batch.targets[i] as number;
    for (const upload of await variantsOf(grey)) uploads.push({ ...upload, label });
  }
  return uploads;
}

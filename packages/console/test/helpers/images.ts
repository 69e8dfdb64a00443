import { canonicalSplit, loadMnist, MNIST_SIDE } from '@ocellus/vision/mnist';
import { digitScenes } from '@ocellus/vision/scenes';
import sharp from 'sharp';

const grey = (values: Float32Array) => Buffer.from(values.map((v) => Math.round(255 * v)));

/** `count` digits of MNIST's test split (never trained on), as 28x28 PNGs with their labels. */
export async function testDigits(count: number): Promise<{ png: Buffer; label: string }[]> {
  const set = loadMnist();
  const { test } = canonicalSplit();
  const area = MNIST_SIDE * MNIST_SIDE;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const index = test[Math.floor((i * test.length) / count)] ?? 0;
      const png = await sharp(grey(set.images.subarray(index * area, (index + 1) * area)), {
        raw: { width: MNIST_SIDE, height: MNIST_SIDE, channels: 1 },
      })
        .png()
        .toBuffer();
      return { png, label: String(set.labels[index]) };
    }),
  );
}

/** A test-split digit scene (several digits on a 128x128 canvas), upscaled to 256x256 as a PNG. */
export async function testScene(seed: number): Promise<{ png: Buffer; digits: number }> {
  const scenes = digitScenes({ split: 'test', count: 1, seed });
  const { height, width } = scenes.set;
  const png = await sharp(grey(scenes.set.images.subarray(0, height * width)), {
    raw: { width, height, channels: 1 },
  })
    .resize(2 * width, 2 * height)
    .png()
    .toBuffer();
  return { png, digits: scenes.objects[0]?.length ?? 0 };
}

import { canonicalSplit, loadMnist, MNIST_SIDE } from '@ocellus/vision/mnist';
import sharp from 'sharp';

/** `count` test-split digits (never trained on), spread over the split, as 28x28 PNG uploads. */
export async function testDigits(count: number): Promise<{ png: Buffer; label: string }[]> {
  const set = loadMnist();
  const { test } = canonicalSplit();
  const area = MNIST_SIDE * MNIST_SIDE;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const index = test[Math.floor((i * test.length) / count)] ?? 0;
      const grey = Buffer.from(
        set.images.subarray(index * area, (index + 1) * area).map((v) => Math.round(255 * v)),
      );
      const png = await sharp(grey, { raw: { width: MNIST_SIDE, height: MNIST_SIDE, channels: 1 } })
        .png()
        .toBuffer();
      return { png, label: String(set.labels[index]) };
    }),
  );
}

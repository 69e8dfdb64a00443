import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageSet } from '../datasets/image-set.js';

export const MNIST_SIDE = 28;
/** Samples per digit in the `mnist` package's `src/digits/<d>.json` (REFERENCE.md "Data"). */
export const MNIST_CLASS_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
export const MNIST_LABELS: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

let cached: ImageSet | null = null;

function digitsFolder(): string {
  const manifest = createRequire(import.meta.url).resolve('mnist/package.json');
  return join(dirname(manifest), 'src', 'digits');
}

function readDigit(folder: string, digit: number): Float32Array {
  const parsed = JSON.parse(readFileSync(join(folder, `${digit}.json`), 'utf8')) as { data?: unknown };
  if (!Array.isArray(parsed.data)) throw new Error(`mnist digit ${digit}: no "data" array`);
  const pixels = Float32Array.from(parsed.data as number[]);
  const expected = MNIST_CLASS_COUNTS[digit]! * MNIST_SIDE * MNIST_SIDE;
  if (pixels.length !== expected) {
    throw new Error(`mnist digit ${digit}: ${pixels.length} values, expected ${expected}`);
  }
  return pixels;
}

/**
 * All 10,000 digits as `[N, 1, 28, 28]` grey levels in [0, 1] (white ink on black), in file order:
 * every 0, then every 1, ... Loaded once per process and cached; treat the arrays as read-only.
 */
export function loadMnist(): ImageSet {
  if (cached) return cached;
  const folder = digitsFolder();
  const total = MNIST_CLASS_COUNTS.reduce((a, b) => a + b, 0);
  const plane = MNIST_SIDE * MNIST_SIDE;
  const images = new Float32Array(total * plane);
  const labels = new Int32Array(total);
  let start = 0;
  for (let digit = 0; digit < MNIST_CLASS_COUNTS.length; digit++) {
    const count = MNIST_CLASS_COUNTS[digit]!;
    images.set(readDigit(folder, digit), start * plane);
    labels.fill(digit, start, start + count);
    start += count;
  }
  cached = { images, labels, size: total, channels: 1, height: MNIST_SIDE, width: MNIST_SIDE };
  return cached;
}

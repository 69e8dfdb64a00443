import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Batch, IndexedDataset } from '@ocellus/nn/train';
import { indexSelect, matmul, noGrad, Rng, randn, type Tensor, tensor } from '@ocellus/tensor';

/** Linear regression `y = X w* + 0.1 ε` with `X [n, d]` standard normal: a convex MSE problem. */
export function regression(
  n: number,
  d: number,
  seed = 3,
): IndexedDataset<Tensor> & { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = randn([n, d], rng);
  const w = randn([d, 1], rng);
  const y = noGrad(() => matmul(x, w));
  const yv = y.values();
  for (let i = 0; i < n; i++) yv[i]! += 0.1 * rng.normal();
  return {
    size: n,
    x,
    y,
    batch: (indices): Batch<Tensor> => ({
      inputs: indexSelect(x, 0, indices),
      targets: indexSelect(y, 0, indices),
      size: indices.length,
    }),
  };
}

/**
 * The first `perClass` digits of each class from the mnist package: `src/digits/<d>.json` holds
 * `{"data": [...]}`, 784 grey levels in [0, 1] per digit, concatenated.
 */
export async function mnistDigits(perClass: number): Promise<{ images: Tensor; labels: Int32Array }> {
  const resolve = createRequire(import.meta.url).resolve;
  const pixels = new Float32Array(10 * perClass * 784);
  const labels = new Int32Array(10 * perClass);
  for (let digit = 0; digit < 10; digit++) {
    const path = resolve(`mnist/src/digits/${digit}.json`);
    const { data } = JSON.parse(await readFile(path, 'utf8')) as { data: number[] };
    if (data.length % 784 !== 0) throw new Error(`mnist ${digit}.json: ${data.length} values is not n x 784`);
    for (let k = 0; k < perClass; k++) {
      const row = digit * perClass + k;
      pixels.set(data.slice(k * 784, (k + 1) * 784), row * 784);
      labels[row] = digit;
    }
  }
  return { images: tensor(pixels, [10 * perClass, 784]), labels };
}

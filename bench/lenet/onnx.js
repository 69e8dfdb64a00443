// onnxruntime-node (its native MLAS kernels) running the LeNet-5 built from Ocellus's own weights, inference only.
import { batchData } from './data.js';
import { lenet } from './ocellus.js';
import { lenetModel } from './onnx-lenet.js';

/** The Ocellus LeNet's parameters by torch name; the same seed as the Ocellus benchmark's model. */
export function lenetWeights() {
  return Object.fromEntries(
    lenet()
      .namedParameters()
      .map(([name, t]) => [name, { shape: t.shape, values: t.values() }]),
  );
}

async function session(batch, threads) {
  const ort = await import('onnxruntime-node');
  const s = await ort.InferenceSession.create(lenetModel(batch, lenetWeights()), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const { images } = batchData(batch);
  return { ort, s, feeds: { x: new ort.Tensor('float32', images, [batch, 1, 28, 28]) } };
}

/** Logits of the seeded batch, to check that this model computes what Ocellus's does. */
export async function onnxLogits(batch) {
  const { s, feeds } = await session(batch, 1);
  const { y } = await s.run(feeds);
  await s.release();
  return y.data;
}

export const onnxruntime = {
  impl: 'onnxruntime-node',
  threads: () => [1, 2],
  train: null,
  async infer(batch, threads) {
    const { s, feeds } = await session(batch, threads);
    return { run: () => s.run(feeds), dispose: () => s.release() };
  },
};

// Ocellus LeNet-5 through @ocellus/nn: layers, softmax cross-entropy and SGD, as a user trains it.
import { fileURLToPath } from 'node:url';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@ocellus/nn/layers';
import { softmaxCrossEntropy } from '@ocellus/nn/losses';
import { SGD } from '@ocellus/nn/optim';
import { noGrad, Rng, tensor } from '@ocellus/tensor';
import { batchData, LEARNING_RATE, LENET } from './data.js';
import { remoteImpl } from './remote.js';

export function lenet(seed = 1) {
  const rng = new Rng(seed);
  const { conv1, conv2, fc } = LENET;
  return new Sequential(
    new Conv2d(conv1.in, conv1.out, conv1.k, { padding: conv1.pad, rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(conv2.in, conv2.out, conv2.k, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(fc[0], fc[1], { rng }),
    new ReLU(),
    new Linear(fc[1], fc[2], { rng }),
    new ReLU(),
    new Linear(fc[2], fc[3], { rng }),
  );
}

const input = (images, batch) => tensor(images, [batch, 1, 28, 28]);

/** In-process measurement; run.js drives it in child processes, one per OCELLUS_THREADS value. */
export const ocellus = {
  async train(batch) {
    const model = lenet();
    const optimizer = new SGD(model.parameters(), { lr: LEARNING_RATE });
    const { images, labels } = batchData(batch);
    const x = input(images, batch);
    return {
      run: () => {
        optimizer.zeroGrad();
        const loss = softmaxCrossEntropy(model.forward(x), labels);
        loss.backward();
        optimizer.step();
      },
      dispose: () => {},
    };
  },
  async infer(batch) {
    const model = lenet();
    model.eval();
    const { images } = batchData(batch);
    const x = input(images, batch);
    return { run: () => noGrad(() => model.forward(x)), dispose: () => {} };
  },
};

/** Logits of the seeded batch through the seeded model (onnx.js builds its model from the same weights). */
export function oursLogits(batch) {
  const model = lenet();
  model.eval();
  return noGrad(() => model.forward(input(batchData(batch).images, batch))).values();
}

const child = fileURLToPath(new URL('./ocellus-child.js', import.meta.url));

/** Ocellus at 1 and 2 threads (OCELLUS_THREADS: the GEMM pool and the conv kernels' workers). */
export const ocellusRemote = remoteImpl('ocellus', [1, 2], (threads) => [
  process.execPath,
  [child],
  { OCELLUS_THREADS: String(threads) },
]);

const baselineLoader = fileURLToPath(new URL('./tensor-baseline.js', import.meta.url));

/** Ocellus on another build of @ocellus/tensor (`dir` holds its package.json and dist), for before/after ratios. */
export const ocellusBaseline = (dir) =>
  remoteImpl('ocellus-base', [1, 2], (threads) => [
    process.execPath,
    ['--import', baselineLoader, child],
    { OCELLUS_THREADS: String(threads), OCELLUS_TENSOR_BASELINE: dir },
  ]);

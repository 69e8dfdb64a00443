// tfjs LeNet-5 on the wasm (XNNPACK) and cpu backends: NHWC ops on tf.variables, SGD via optimizer.minimize.
// tfjs has one global backend, so each measurement activates its own before it is timed.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { batchData, LEARNING_RATE, LENET } from './data.js';

const require = createRequire(import.meta.url);
let tf;

async function load(backend) {
  if (!tf) {
    tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

function variables(t) {
  const { conv1, conv2, fc } = LENET;
  const he = (shape, fanIn) => t.variable(t.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', 1));
  return {
    c1: he([conv1.k, conv1.k, conv1.in, conv1.out], conv1.k * conv1.k * conv1.in),
    b1: t.variable(t.zeros([conv1.out])),
    c2: he([conv2.k, conv2.k, conv2.in, conv2.out], conv2.k * conv2.k * conv2.in),
    b2: t.variable(t.zeros([conv2.out])),
    f1: he([fc[0], fc[1]], fc[0]),
    g1: t.variable(t.zeros([fc[1]])),
    f2: he([fc[1], fc[2]], fc[1]),
    g2: t.variable(t.zeros([fc[2]])),
    f3: he([fc[2], fc[3]], fc[2]),
    g3: t.variable(t.zeros([fc[3]])),
  };
}

function forward(t, v, x) {
  const pool = (h) => t.maxPool(h, 2, 2, 'valid');
  let h = pool(t.relu(t.add(t.conv2d(x, v.c1, 1, LENET.conv1.pad), v.b1)));
  h = pool(t.relu(t.add(t.conv2d(h, v.c2, 1, 'valid'), v.b2)));
  h = t.reshape(h, [x.shape[0], LENET.fc[0]]);
  h = t.relu(t.add(t.matMul(h, v.f1), v.g1));
  h = t.relu(t.add(t.matMul(h, v.f2), v.g2));
  return t.add(t.matMul(h, v.f3), v.g3);
}

/** NCHW images as an NHWC tensor (one channel, so the same values). */
function batchTensors(t, batch) {
  const { images, labels } = batchData(batch);
  return { x: t.tensor4d(images, [batch, 28, 28, 1]), y: t.oneHot(t.tensor1d(labels, 'int32'), 10) };
}

function tfjsImpl(backend, impl) {
  return {
    impl,
    threads: () => [1],
    async train(batch) {
      const t = await load(backend);
      const v = variables(t);
      const { x, y } = batchTensors(t, batch);
      const optimizer = t.train.sgd(LEARNING_RATE);
      const step = () => optimizer.minimize(() => t.losses.softmaxCrossEntropy(y, forward(t, v, x)), false);
      step();
      return {
        run: step,
        activate: () => load(backend),
        dispose: () => t.dispose([x, y, ...Object.values(v)]),
      };
    },
    async infer(batch) {
      const t = await load(backend);
      const v = variables(t);
      const { x, y } = batchTensors(t, batch);
      return {
        run: () => t.tidy(() => forward(t, v, x).dataSync()),
        activate: () => load(backend),
        dispose: () => t.dispose([x, y, ...Object.values(v)]),
      };
    },
  };
}

export const tfjsWasm = tfjsImpl('wasm', 'tfjs-wasm');
export const tfjsCpu = tfjsImpl('cpu', 'tfjs-cpu');

// The peers of the GEMM benchmark. Each `prepare(m, n, k)` builds its operands once and returns a
// `run()` computing C = A B (m x k times k x n, float32 where the peer has it), a `dispose()` and
// optionally an `activate()` to call before a round of runs.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { matMulModel } from './onnx-model.js';

const require = createRequire(import.meta.url);

const random = (length) => Float32Array.from({ length }, () => Math.random() * 2 - 1);

let tf;

/** tfjs with its backends registered; the wasm binaries load from the package's dist folder (file path). */
async function tfjs() {
  if (tf) return tf;
  tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(`${join(dist)}/`);
  return tf;
}

/** tfjs-backend-wasm (XNNPACK, SIMD; single-threaded in Node) or tfjs-backend-cpu (plain JS). */
function tfjsPeer(backend) {
  return async (m, n, k) => {
    const t = await tfjs();
    await t.setBackend(backend);
    await t.ready();
    const a = t.tensor2d(random(m * k), [m, k]);
    const b = t.tensor2d(random(k * n), [k, n]);
    return {
      // tfjs has one active backend: switch back to this one before its runs.
      activate: () => t.setBackend(backend),
      run: () => t.matMul(a, b).dispose(),
      dispose: () => t.dispose([a, b]),
    };
  };
}

async function mlMatrix(m, n, k) {
  const { Matrix } = await import('ml-matrix');
  const a = Matrix.rand(m, k);
  const b = Matrix.rand(k, n);
  return { run: () => a.mmul(b), dispose: () => {} };
}

/** onnxruntime-node's MatMul (its native MLAS kernels) with `threads` intra-op threads. */
function onnxPeer(threads) {
  return async (m, n, k) => {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(matMulModel(m, n, k), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Its pool threads would otherwise spin after each run and steal the cores from the next measurement.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    const feeds = {
      A: new ort.Tensor('float32', random(m * k), [m, k]),
      B: new ort.Tensor('float32', random(k * n), [k, n]),
    };
    return { run: () => session.run(feeds), dispose: () => session.release() };
  };
}

/** [impl, threads, prepare, largest m n k the peer is given (slow ones stay off the big sizes)] */
export const peers = [
  ['tfjs-wasm', 1, tfjsPeer('wasm'), Number.POSITIVE_INFINITY],
  ['tfjs-cpu', 1, tfjsPeer('cpu'), 512 ** 3],
  ['ml-matrix', 1, mlMatrix, 512 ** 3],
  ['onnxruntime-node', 1, onnxPeer(1), Number.POSITIVE_INFINITY],
  ['onnxruntime-node', 2, onnxPeer(2), Number.POSITIVE_INFINITY],
];

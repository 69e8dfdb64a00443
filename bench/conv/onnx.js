// onnxruntime-node (its MLAS kernels) running one Conv or ConvTranspose node, forward only; the model is
// built in-process (../onnx-proto.js), so nothing is downloaded.
import { bytes, concat, FLOAT, int, onnxModel, valueInfo } from '../onnx-proto.js';
import { outputSize } from './shapes.js';

const ATTR_INTS = 7;

const ints = (name, values) =>
  bytes(5, concat([bytes(1, name), ...values.map((v) => int(8, v)), int(20, ATTR_INTS)]));

/** TensorProto { dims = 1, data_type = 2, name = 8, raw_data = 9 }. */
const initializer = (name, dims, values) =>
  bytes(
    5,
    concat([
      ...dims.map((d) => int(1, d)),
      int(2, FLOAT),
      bytes(8, name),
      bytes(9, new Uint8Array(values.buffer)),
    ]),
  );

const filled = (length) => Float32Array.from({ length }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);

function convModel(s) {
  const [oh, ow] = outputSize(s);
  const wDims = s.transposed ? [s.c, s.f, s.k, s.k] : [s.f, s.c, s.k, s.k];
  const node = bytes(
    1,
    concat([
      bytes(1, 'x'),
      bytes(1, 'w'),
      bytes(1, 'b'),
      bytes(2, 'y'),
      bytes(3, 'conv'),
      bytes(4, s.transposed ? 'ConvTranspose' : 'Conv'),
      ints('kernel_shape', [s.k, s.k]),
      ints('strides', [s.stride, s.stride]),
      ints('pads', [s.pad, s.pad, s.pad, s.pad]),
    ]),
  );
  const graph = concat([
    node,
    bytes(2, 'conv'),
    initializer('w', wDims, filled(s.c * s.f * s.k * s.k)),
    initializer('b', [s.f], filled(s.f)),
    valueInfo(11, 'x', [s.n, s.c, s.h, s.w]),
    valueInfo(12, 'y', [s.n, s.f, oh, ow]),
  ]);
  return onnxModel(graph);
}

/** A prepared forward pass at `threads` intra-op threads: { run, dispose }. */
export async function onnxForward(s, threads) {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(convModel(s), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = { x: new ort.Tensor('float32', filled(s.n * s.c * s.h * s.w), [s.n, s.c, s.h, s.w]) };
  return { run: () => session.run(feeds), dispose: () => session.release() };
}

// LeNet-5 as an ONNX model built in-process from given weights: the handful of onnx.proto fields it
// needs on top of ../onnx-proto.js (NodeProto, AttributeProto, TensorProto), encoded by hand.
import { bytes, concat, FLOAT, int, onnxModel, valueInfo } from '../onnx-proto.js';

const ATTR_INT = 2;
const ATTR_INTS = 7;

/** AttributeProto { name = 1, i = 3, ints = 8, type = 20 }. */
function attribute(name, value) {
  if (Array.isArray(value)) {
    return bytes(5, concat([bytes(1, name), ...value.map((v) => int(8, v)), int(20, ATTR_INTS)]));
  }
  return bytes(5, concat([bytes(1, name), int(3, value), int(20, ATTR_INT)]));
}

/** NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }. */
function node(op, inputs, output, attrs = {}) {
  return bytes(
    1,
    concat([
      ...inputs.map((i) => bytes(1, i)),
      bytes(2, output),
      bytes(3, output),
      bytes(4, op),
      ...Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    ]),
  );
}

/** TensorProto { dims = 1, data_type = 2, name = 8, raw_data = 9 } (float32, little-endian). */
function initializer(name, dims, values) {
  const raw = new Uint8Array(Float32Array.from(values).buffer);
  return bytes(5, concat([...dims.map((d) => int(1, d)), int(2, FLOAT), bytes(8, name), bytes(9, raw)]));
}

/**
 * The serialized model for a fixed batch, opset 13. `weights` maps the torch names of the layers
 * (`0.weight` conv1, `3.weight` conv2, `7.weight` ... fc layers) to { shape, values }.
 */
export function lenetModel(batch, weights) {
  const w = (name) => {
    const t = weights[name];
    if (!t) throw new Error(`lenetModel: missing ${name}`);
    return initializer(name, t.shape, t.values);
  };
  const pool = { kernel_shape: [2, 2], strides: [2, 2] };
  const graph = concat([
    node('Conv', ['x', '0.weight', '0.bias'], 'c1', { kernel_shape: [5, 5], pads: [2, 2, 2, 2] }),
    node('Relu', ['c1'], 'r1'),
    node('MaxPool', ['r1'], 'p1', pool),
    node('Conv', ['p1', '3.weight', '3.bias'], 'c2', { kernel_shape: [5, 5] }),
    node('Relu', ['c2'], 'r2'),
    node('MaxPool', ['r2'], 'p2', pool),
    node('Flatten', ['p2'], 'f', { axis: 1 }),
    node('Gemm', ['f', '7.weight', '7.bias'], 'h1', { transB: 1 }),
    node('Relu', ['h1'], 'a1'),
    node('Gemm', ['a1', '9.weight', '9.bias'], 'h2', { transB: 1 }),
    node('Relu', ['h2'], 'a2'),
    node('Gemm', ['a2', '11.weight', '11.bias'], 'y', { transB: 1 }),
    bytes(2, 'lenet'),
    ...['0', '3', '7', '9', '11'].flatMap((l) => [w(`${l}.weight`), w(`${l}.bias`)]),
    valueInfo(11, 'x', [batch, 1, 28, 28]),
    valueInfo(12, 'y', [batch, 10]),
  ]);
  return onnxModel(graph);
}

// A one-node ONNX model, C = MatMul(A, B) in float32 with fixed shapes.
import { bytes, concat, onnxModel, valueInfo } from '../onnx-proto.js';

/** The serialized model for A (m x k) times B (k x n), opset 13. */
export function matMulModel(m, n, k) {
  const node = concat([bytes(1, 'A'), bytes(1, 'B'), bytes(2, 'C'), bytes(3, 'matmul'), bytes(4, 'MatMul')]);
  return onnxModel(
    concat([
      bytes(1, node),
      bytes(2, 'gemm'),
      valueInfo(11, 'A', [m, k]),
      valueInfo(11, 'B', [k, n]),
      valueInfo(12, 'C', [m, n]),
    ]),
  );
}

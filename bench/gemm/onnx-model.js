// A one-node ONNX model, C = MatMul(A, B) in float32 with fixed shapes, encoded by hand: the few
// protobuf fields of onnx.proto (ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto) it needs.

function varint(value) {
  const out = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

/** A varint field (wire type 0). */
const int = (field, value) => [...varint(field << 3), ...varint(value)];

/** A length-delimited field (wire type 2): a string or an embedded message. */
function bytes(field, content) {
  const body = typeof content === 'string' ? [...new TextEncoder().encode(content)] : content;
  return [...varint((field << 3) | 2), ...varint(body.length), ...body];
}

const FLOAT = 1;

/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type, shape { dim { dim_value }* } } } } */
function tensorInfo(name, dims) {
  const shape = dims.flatMap((d) => bytes(1, int(1, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)];
  return [...bytes(1, name), ...bytes(2, bytes(1, tensorType))];
}

/** The serialized model for A (m x k) times B (k x n), opset 13. */
export function matMulModel(m, n, k) {
  const node = [
    ...bytes(1, 'A'),
    ...bytes(1, 'B'),
    ...bytes(2, 'C'),
    ...bytes(3, 'matmul'),
    ...bytes(4, 'MatMul'),
  ];
  const graph = [
    ...bytes(1, node),
    ...bytes(2, 'gemm'),
    ...bytes(11, tensorInfo('A', [m, k])),
    ...bytes(11, tensorInfo('B', [k, n])),
    ...bytes(12, tensorInfo('C', [m, n])),
  ];
  const opset = [...bytes(1, ''), ...int(2, 13)];
  return new Uint8Array([...int(1, 8), ...bytes(7, graph), ...bytes(8, opset)]);
}

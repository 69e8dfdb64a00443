// The few protobuf fields of onnx.proto the benches' ONNX models need, encoded by hand so no
// protobuf or onnx package is required to build a model for onnxruntime.

function varint(value) {
  const out = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return new Uint8Array(out);
}

export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A varint field (wire type 0). */
export const int = (field, value) => concat([varint(field << 3), varint(value)]);

/** A length-delimited field (wire type 2): a string, raw bytes or an embedded message. */
export function bytes(field, content) {
  const body = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return concat([varint((field << 3) | 2), varint(body.length), body]);
}

/** TensorProto.DataType FLOAT. */
export const FLOAT = 1;

/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type, shape { dim { dim_value }* } } } } as `field`. */
export function valueInfo(field, name, dims) {
  const shape = concat(dims.map((d) => bytes(1, int(1, d))));
  const tensorType = concat([int(1, FLOAT), bytes(2, shape)]);
  return bytes(field, concat([bytes(1, name), bytes(2, bytes(1, tensorType))]));
}

/** ModelProto { ir_version 8, graph, opset_import { domain '', version 13 } } around a GraphProto's bytes. */
export function onnxModel(graph) {
  const opset = concat([bytes(1, ''), int(2, 13)]);
  return concat([int(1, 8), bytes(7, graph), bytes(8, opset)]);
}

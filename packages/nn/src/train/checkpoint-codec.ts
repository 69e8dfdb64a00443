import { sizeOf, Tensor } from '@ocellus/tensor';
import type { Checkpoint } from './checkpoint.js';

const MAGIC = 0x4b43434f; // "OCCK" little-endian
const VERSION = 1;
const PREAMBLE = 12;

const typedArrays = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof typedArrays;
type Typed = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

interface BlobRef {
  type: TypedName;
  offset: number;
  length: number;
}

/** JSON stand-ins for what JSON cannot hold: tensors, typed arrays and non-finite numbers. */
interface TensorRef {
  $tensor: { shape: number[]; blob: number };
}
interface TypedRef {
  $typed: number;
}
interface NumberRef {
  $number: string;
}
type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/** Typed arrays are copied as raw host-order bytes; the format fixes little-endian. */
function checkHostByteOrder(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('checkpoint: big-endian hosts are not supported');
  }
}

function typedName(v: ArrayBufferView): TypedName {
  const name = v.constructor.name;
  if (!(name in typedArrays)) throw new Error(`checkpoint: cannot store a ${name}`);
  return name as TypedName;
}

/**
 * Bytes of a checkpoint: "OCCK", version and header length (u32 LE each), a JSON header, then the
 * raw little-endian typed arrays, each 8-byte aligned.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  checkHostByteOrder();
  const blobs: Typed[] = [];
  const refs: BlobRef[] = [];
  let offset = 0;
  const addBlob = (v: Typed): number => {
    blobs.push(v);
    refs.push({ type: typedName(v), offset, length: v.length });
    offset += Math.ceil(v.byteLength / 8) * 8;
    return blobs.length - 1;
  };
  const encode = (v: unknown): Encoded => {
    if (v instanceof Tensor) {
      const ref: TensorRef = { $tensor: { shape: [...v.shape], blob: addBlob(v.values()) } };
      return ref as unknown as Encoded;
    }
    if (ArrayBuffer.isView(v)) return { $typed: addBlob(v as Typed) };
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(encode);
    if (typeof v === 'object') {
      const out: Record<string, Encoded> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('$')) throw new Error(`checkpoint: key "${k}" may not start with $`);
        if (x !== undefined) out[k] = encode(x);
      }
      return out;
    }
    throw new Error(`checkpoint: cannot store a ${typeof v}`);
  };
  const body = encode(checkpoint);
  const header = new TextEncoder().encode(JSON.stringify({ blobs: refs, body }));
  const start = Math.ceil((PREAMBLE + header.length) / 8) * 8;
  const bytes = new Uint8Array(start + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, PREAMBLE);
  blobs.forEach((b, i) => {
    bytes.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), start + refs[i]!.offset);
  });
  return bytes;
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  checkHostByteOrder();
  if (bytes.length < PREAMBLE) throw new Error('checkpoint: too short to be a checkpoint');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('checkpoint: bad magic (not an Ocellus checkpoint)');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`checkpoint: format version ${version}, expected ${VERSION}`);
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE + headerLength > bytes.length) throw new Error('checkpoint: truncated header');
  const { blobs, body } = JSON.parse(
    new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)),
  ) as { blobs: BlobRef[]; body: Encoded };
  const start = Math.ceil((PREAMBLE + headerLength) / 8) * 8;
  const blob = (i: number): Typed => {
    const ref = blobs[i];
    if (!ref || !(ref.type in typedArrays)) throw new Error(`checkpoint: bad array reference ${i}`);
    const Ctor = typedArrays[ref.type];
    const begin = start + ref.offset;
    const end = begin + ref.length * Ctor.BYTES_PER_ELEMENT;
    if (end > bytes.length) throw new Error('checkpoint: truncated data');
    return new Ctor(bytes.slice(begin, end).buffer);
  };
  const decode = (v: Encoded): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(decode);
    if ('$tensor' in v) {
      const ref = (v as unknown as TensorRef).$tensor;
      const data = blob(ref.blob);
      if (!(data instanceof Float32Array || data instanceof Float64Array)) {
        throw new Error('checkpoint: a tensor must hold float32 or float64 values');
      }
      if (sizeOf(ref.shape) !== data.length) throw new Error('checkpoint: tensor shape and data differ');
      return new Tensor(data, ref.shape);
    }
    if ('$typed' in v) return blob((v as unknown as TypedRef).$typed);
    if ('$number' in v) return Number((v as unknown as NumberRef).$number);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = decode(x as Encoded);
    return out;
  };
  const checkpoint = decode(body) as Checkpoint;
  if (checkpoint.format !== 1) throw new Error(`checkpoint: unknown layout ${String(checkpoint.format)}`);
  return checkpoint;
}

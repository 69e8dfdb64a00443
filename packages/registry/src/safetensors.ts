import { RegistryError, type TensorData, type TensorDType, type TensorRecord } from './types.js';

// The safetensors format (huggingface/safetensors): u64 LE header length, JSON header, raw LE data.
const HEADER_LENGTH_BYTES = 8;
// The reference reader refuses headers above 100 MB (MAX_HEADER_SIZE in safetensors/src/tensor.rs).
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

type TypedArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
  new (length: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
};

const DTYPES: Record<TensorDType, TypedArrayCtor> = {
  F64: Float64Array,
  F32: Float32Array,
  I32: Int32Array,
  U8: Uint8Array,
};

export interface DecodedSafetensors {
  tensors: Record<string, TensorRecord>;
  metadata: Record<string, string>;
}

export function encodeSafetensors(
  tensors: Record<string, TensorRecord>,
  metadata?: Record<string, string>,
): Buffer {
  // No prototype, so a tensor called "__proto__" is written as an ordinary key.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined) header[METADATA_KEY] = checkedMetadata(metadata);
  // Widest dtype first (as the reference writer does) so every tensor starts aligned to its element size.
  const names = Object.keys(tensors).sort(
    (a, b) => elementBytes(tensors[b]!) - elementBytes(tensors[a]!) || (a < b ? -1 : a > b ? 1 : 0),
  );
  let offset = 0;
  for (const name of names) {
    const tensor = checkedTensor(name, tensors[name]!);
    header[name] = {
      dtype: tensor.dtype,
      shape: tensor.shape,
      data_offsets: [offset, offset + tensor.data.byteLength],
    };
    offset += tensor.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = Buffer.alloc(HEADER_LENGTH_BYTES + headerBytes + offset, 0x20);
  out.writeBigUInt64LE(BigInt(headerBytes), 0);
  json.copy(out, HEADER_LENGTH_BYTES);
  let at = HEADER_LENGTH_BYTES + headerBytes;
  for (const name of names) {
    const { data } = tensors[name]!;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

export function decodeSafetensors(buf: Uint8Array): DecodedSafetensors {
  if (buf.byteLength < HEADER_LENGTH_BYTES)
    corrupt(`file is ${buf.byteLength} bytes, shorter than the header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(Math.min(MAX_HEADER_BYTES, buf.byteLength - HEADER_LENGTH_BYTES))) {
    corrupt(`header length ${declared} exceeds the file (${buf.byteLength} bytes) or the 100 MB limit`);
  }
  const headerBytes = Number(declared);
  const header = parseHeader(buf.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + headerBytes));
  const dataStart = HEADER_LENGTH_BYTES + headerBytes;
  const dataBytes = buf.byteLength - dataStart;

  let metadata: Record<string, string> = {};
  const entries: Array<{ name: string; dtype: TensorDType; shape: number[]; begin: number; end: number }> =
    [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      metadata = parseMetadata(entry);
      continue;
    }
    entries.push({ name, ...parseEntry(name, entry, dataBytes) });
  }
  // Tensors must tile the data section exactly: no overlap, no hole, nothing after the last one.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const entry of entries) {
    if (entry.begin !== expected) {
      corrupt(
        entry.begin < expected
          ? `tensor "${entry.name}" overlaps the previous tensor (begins at ${entry.begin}, previous ends at ${expected})`
          : `gap in the data section before tensor "${entry.name}" (bytes ${expected}..${entry.begin})`,
      );
    }
    expected = entry.end;
  }
  if (expected !== dataBytes) corrupt(`data section is ${dataBytes} bytes but the tensors cover ${expected}`);

  const tensors: Record<string, TensorRecord> = {};
  for (const { name, dtype, shape, begin, end } of entries) {
    const record: TensorRecord = {
      dtype,
      shape,
      data: typedView(buf, dtype, dataStart + begin, end - begin),
    };
    // defineProperty so a tensor called "__proto__" stays an ordinary key.
    Object.defineProperty(tensors, name, {
      value: record,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { tensors, metadata };
}

function parseHeader(bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return corrupt('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) corrupt('header does not start with "{"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return corrupt(`header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) corrupt('header is not a JSON object');
  return parsed as Record<string, unknown>;
}

function parseMetadata(entry: unknown): Record<string, string> {
  if (!isPlainObject(entry)) corrupt('__metadata__ is not an object');
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== 'string') corrupt(`__metadata__.${key} is not a string`);
    Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return metadata;
}

function parseEntry(
  name: string,
  entry: unknown,
  dataBytes: number,
): { dtype: TensorDType; shape: number[]; begin: number; end: number } {
  if (!isPlainObject(entry)) corrupt(`tensor "${name}" is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  const Ctor = ctorOf(dtype);
  if (Ctor === undefined) {
    corrupt(`tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)} (expected F32, F64, I32 or U8)`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    corrupt(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    corrupt(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataBytes)
    corrupt(`tensor "${name}" ends at byte ${end}, past the ${dataBytes}-byte data section`);
  const size = Ctor.BYTES_PER_ELEMENT;
  const elements = (shape as number[]).reduce((n, d) => n * d, 1);
  if (elements * size !== end - begin) {
    corrupt(
      `tensor "${name}" holds ${end - begin} bytes but ${dtype}${JSON.stringify(shape)} needs ${elements * size}`,
    );
  }
  return { dtype: dtype as TensorDType, shape: shape as number[], begin, end };
}

// A typed array over the bytes when they are aligned, a copy otherwise (typed arrays require alignment).
function typedView(buf: Uint8Array, dtype: TensorDType, start: number, byteLength: number): TensorData {
  const Ctor = DTYPES[dtype];
  const length = byteLength / Ctor.BYTES_PER_ELEMENT;
  const absolute = buf.byteOffset + start;
  if (absolute % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(buf.buffer, absolute, length);
  const copy = new Ctor(length);
  new Uint8Array(copy.buffer).set(buf.subarray(start, start + byteLength));
  return copy;
}

function checkedTensor(name: string, tensor: TensorRecord): TensorRecord {
  if (name === '' || name === METADATA_KEY) cannotEncode(name, 'the name is reserved or empty');
  const Ctor = ctorOf(tensor.dtype);
  if (Ctor === undefined) cannotEncode(name, `unsupported dtype ${JSON.stringify(tensor.dtype)}`);
  if (!(tensor.data instanceof Ctor)) cannotEncode(name, `dtype ${tensor.dtype} needs a ${Ctor.name}`);
  if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    cannotEncode(name, `invalid shape ${JSON.stringify(tensor.shape)}`);
  }
  const elements = tensor.shape.reduce((n, d) => n * d, 1);
  if (elements !== tensor.data.length) {
    cannotEncode(
      name,
      `shape ${JSON.stringify(tensor.shape)} needs ${elements} values, data has ${tensor.data.length}`,
    );
  }
  return tensor;
}

function checkedMetadata(metadata: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') cannotEncode(METADATA_KEY, `metadata "${key}" is not a string`);
  }
  return metadata;
}

function elementBytes(tensor: TensorRecord): number {
  return ctorOf(tensor.dtype)?.BYTES_PER_ELEMENT ?? 0;
}

// Own keys only: a dtype such as "constructor" must not reach Object.prototype.
function ctorOf(dtype: unknown): TypedArrayCtor | undefined {
  return typeof dtype === 'string' && Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype as TensorDType] : undefined;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function corrupt(message: string): never {
  throw new RegistryError('CORRUPT', `invalid safetensors: ${message}`);
}

function cannotEncode(name: string, message: string): never {
  throw new RegistryError('CORRUPT', `cannot encode tensor "${name}": ${message}`);
}

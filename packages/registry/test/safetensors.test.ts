import { decodeSafetensors, encodeSafetensors, RegistryError, type TensorRecord } from '@ocellus/registry';
import { describe, expect, it } from 'vitest';
import { sampleTensors, tensorValues } from './helpers/fixtures.js';

// A reader written from the format description alone, independent of decodeSafetensors.
function readByHand(buf: Buffer) {
  const headerLength = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
  const data = buf.subarray(8 + headerLength);
  const tensors: Record<string, number[]> = {};
  for (const [name, info] of Object.entries<{
    dtype: string;
    shape: number[];
    data_offsets: [number, number];
  }>(header)) {
    if (name === '__metadata__') continue;
    const bytes = data.subarray(info.data_offsets[0], info.data_offsets[1]);
    const read = { F32: 'readFloatLE', F64: 'readDoubleLE', I32: 'readInt32LE', U8: 'readUInt8' } as const;
    const size = { F32: 4, F64: 8, I32: 4, U8: 1 }[info.dtype as 'F32']!;
    const method = read[info.dtype as keyof typeof read];
    tensors[name] = Array.from({ length: bytes.length / size }, (_, i) => bytes[method](i * size));
  }
  return { headerLength, header, tensors };
}

function withHeader(header: unknown, data: Buffer, declared?: bigint): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(declared ?? BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

function rawHeader(text: string): Buffer {
  const json = Buffer.from(text);
  return Buffer.concat([Buffer.from([json.length, 0, 0, 0, 0, 0, 0, 0]), json]);
}

function expectCorrupt(buf: Uint8Array, message: RegExp) {
  try {
    decodeSafetensors(buf);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('CORRUPT');
    expect((error as RegistryError).message).toMatch(message);
    return;
  }
  expect.fail('decodeSafetensors accepted an invalid file');
}

describe('encodeSafetensors', () => {
  it('writes the exact bytes the format prescribes for a tiny tensor', () => {
    const encoded = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: Float32Array.from([1, -2]) } });
    const json = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(json.length).toBe(54);
    const expected = Buffer.concat([
      Buffer.from([56, 0, 0, 0, 0, 0, 0, 0]), // u64 LE: 54 bytes of JSON padded with spaces to 56
      Buffer.from(`${json}  `, 'ascii'),
      Buffer.from([0x00, 0x00, 0x80, 0x3f]), // 1.0f little-endian
      Buffer.from([0x00, 0x00, 0x00, 0xc0]), // -2.0f little-endian
    ]);
    expect(encoded.equals(expected)).toBe(true);
  });

  it('is read back by an independent reader, metadata included, with an 8-byte aligned header', () => {
    const tensors = sampleTensors(3);
    const encoded = encodeSafetensors(tensors, { format: 'pt', note: 'é' });
    const { headerLength, header, tensors: read } = readByHand(encoded);
    expect((8 + headerLength) % 8).toBe(0);
    expect(header.__metadata__).toEqual({ format: 'pt', note: 'é' });
    for (const [name, tensor] of Object.entries(tensors)) {
      expect(header[name].dtype).toBe(tensor.dtype);
      expect(header[name].shape).toEqual(tensor.shape);
      expect(read[name]).toEqual(Array.from(tensor.data));
    }
  });

  it('places every tensor at an offset that is a multiple of its element size', () => {
    const tensors: Record<string, TensorRecord> = {
      a: { dtype: 'U8', shape: [3], data: Uint8Array.from([1, 2, 3]) },
      b: { dtype: 'F64', shape: [1], data: Float64Array.from([Math.PI]) },
      c: { dtype: 'I32', shape: [1], data: Int32Array.from([-5]) },
    };
    const { header } = readByHand(encodeSafetensors(tensors));
    expect(header.b.data_offsets[0] % 8).toBe(0);
    expect(header.c.data_offsets[0] % 4).toBe(0);
  });

  it('refuses data whose length does not match the shape or dtype', () => {
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(
      /needs 3 values/,
    );
    expect(() => encodeSafetensors({ w: { dtype: 'F64', shape: [2], data: new Float32Array(2) } })).toThrow(
      /Float64Array/,
    );
  });
});

describe('decodeSafetensors', () => {
  it('round-trips every dtype, empty and scalar shapes included', () => {
    const tensors: Record<string, TensorRecord> = {
      ...sampleTensors(9),
      scalar: { dtype: 'F64', shape: [], data: Float64Array.from([-0.25]) },
      empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    };
    const { tensors: decoded, metadata } = decodeSafetensors(encodeSafetensors(tensors, { k: 'v' }));
    expect(tensorValues(decoded)).toEqual(tensorValues(tensors));
    expect(metadata).toEqual({ k: 'v' });
    expect(decoded['conv1.bias']!.data).toBeInstanceOf(Float64Array);
  });

  it('reads a file written by hand with tensors out of order and no metadata', () => {
    const data = Buffer.alloc(12);
    data.writeInt32LE(-9, 0);
    data.writeFloatLE(0.5, 4);
    data.writeFloatLE(4, 8);
    const file = withHeader(
      {
        late: { dtype: 'F32', shape: [1, 2], data_offsets: [4, 12] },
        early: { dtype: 'I32', shape: [1], data_offsets: [0, 4] },
      },
      data,
    );
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({});
    expect(Array.from(tensors.late!.data)).toEqual([0.5, 4]);
    expect(tensors.late!.shape).toEqual([1, 2]);
    expect(Array.from(tensors.early!.data)).toEqual([-9]);
  });

  it('returns aligned typed arrays even when the buffer starts at an odd offset', () => {
    const encoded = encodeSafetensors({
      x: { dtype: 'F64', shape: [2], data: Float64Array.from([1.5, -3]) },
    });
    const shifted = new Uint8Array(encoded.length + 1).subarray(1);
    shifted.set(encoded);
    const x = decodeSafetensors(shifted).tensors.x!.data;
    expect(x.byteOffset % 8).toBe(0);
    expect(Array.from(x)).toEqual([1.5, -3]);
  });

  it('keeps a tensor named __proto__ as an ordinary entry', () => {
    const data = Buffer.alloc(4);
    const file = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from('{"__proto__":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}'),
      data,
    ]);
    file.writeBigUInt64LE(BigInt(file.length - 12), 0);
    const { tensors } = decodeSafetensors(file);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });

  const valid = encodeSafetensors(sampleTensors(1));
  const entry = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };

  it.each([
    ['an empty buffer', Buffer.alloc(0), /shorter than the header length/],
    ['a file cut inside the header', valid.subarray(0, 20), /exceeds the file/],
    ['a file cut inside the data', valid.subarray(0, valid.length - 3), /data section|past the/],
    ['a header length of 2^64 - 1', withHeader({}, Buffer.alloc(0), 2n ** 64n - 1n), /exceeds/],
    ['a header that is not JSON', rawHeader('{"w":'), /not valid JSON/],
    ['a header that is not an object', rawHeader('[1]'), /does not start with "\{"/],
    [
      'an unknown dtype',
      withHeader({ w: { ...entry, dtype: 'BF16' } }, Buffer.alloc(8)),
      /unsupported dtype "BF16"/,
    ],
    [
      'a dtype naming an Object.prototype member',
      withHeader({ w: { ...entry, dtype: 'constructor' } }, Buffer.alloc(8)),
      /unsupported dtype/,
    ],
    ['a negative dimension', withHeader({ w: { ...entry, shape: [-2] } }, Buffer.alloc(8)), /invalid shape/],
    [
      'a fractional dimension',
      withHeader({ w: { ...entry, shape: [2.5] } }, Buffer.alloc(8)),
      /invalid shape/,
    ],
    [
      'offsets past the data',
      withHeader({ w: { ...entry, data_offsets: [0, 800] } }, Buffer.alloc(8)),
      /past the/,
    ],
    [
      'reversed offsets',
      withHeader({ w: { ...entry, data_offsets: [8, 0] } }, Buffer.alloc(8)),
      /data_offsets/,
    ],
    [
      'a byte count that is not shape x size',
      withHeader({ w: { ...entry, shape: [3] } }, Buffer.alloc(8)),
      /needs 12/,
    ],
    [
      'overlapping tensors',
      withHeader({ a: entry, b: { ...entry, shape: [1], data_offsets: [4, 8] } }, Buffer.alloc(8)),
      /overlaps/,
    ],
    ['a hole in the data', withHeader({ w: { ...entry, data_offsets: [4, 12] } }, Buffer.alloc(12)), /gap/],
    ['trailing bytes', withHeader({ w: entry }, Buffer.alloc(16)), /cover 8/],
    ['non-string metadata', withHeader({ __metadata__: { n: 1 } }, Buffer.alloc(0)), /__metadata__.n/],
    ['invalid UTF-8 in the header', Buffer.from([3, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0x7d]), /UTF-8/],
  ])('refuses %s with CORRUPT', (_, buf, message) => {
    expectCorrupt(buf, message);
  });
});

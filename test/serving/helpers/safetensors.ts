const BYTES_PER_ELEMENT: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1 };

export interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Reads a safetensors file by the format's rules, independently of the registry's codec: an 8-byte
 * little-endian header length, a JSON header, then tensors packed back to back with no gaps.
 */
export function parseSafetensors(file: Buffer): Record<string, TensorEntry> {
  if (file.length < 8) throw new Error('shorter than the 8-byte header length');
  const headerBytes = Number(file.readBigUInt64LE(0));
  if (8 + headerBytes > file.length) throw new Error('header runs past the end of the file');
  const header = JSON.parse(file.subarray(8, 8 + headerBytes).toString('utf8')) as Record<string, unknown>;
  const dataBytes = file.length - 8 - headerBytes;
  const tensors = Object.entries(header).filter(([name]) => name !== '__metadata__') as [
    string,
    TensorEntry,
  ][];
  const spans = tensors
    .map(([name, t]) => {
      const size = BYTES_PER_ELEMENT[t.dtype];
      if (size === undefined) throw new Error(`${name}: unknown dtype ${t.dtype}`);
      const [begin, end] = t.data_offsets;
      const elements = t.shape.reduce((a, b) => a * b, 1);
      if (end - begin !== elements * size)
        throw new Error(`${name}: ${end - begin} bytes for shape ${t.shape}`);
      return [begin, end] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let cursor = 0;
  for (const [begin, end] of spans) {
    if (begin !== cursor) throw new Error(`gap or overlap at byte ${begin} of the data`);
    cursor = end;
  }
  if (cursor !== dataBytes) throw new Error(`tensors cover ${cursor} of ${dataBytes} data bytes`);
  return Object.fromEntries(tensors);
}

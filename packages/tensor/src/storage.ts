export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

/** Buffers at or above this many elements live in shared memory so GEMM workers read them without copies. */
export const SHARED_MIN_ELEMENTS = 4096;

export function allocate(dtype: DType, length: number): Storage {
  const bytes = dtype === 'float64' ? 8 : 4;
  const buffer =
    length >= SHARED_MIN_ELEMENTS ? new SharedArrayBuffer(length * bytes) : new ArrayBuffer(length * bytes);
  return dtype === 'float64' ? new Float64Array(buffer) : new Float32Array(buffer);
}

export function dtypeOf(data: Storage): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

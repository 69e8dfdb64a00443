export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

/** Buffers at or above this many elements live in shared memory so GEMM workers read them without copies. */
export const SHARED_MIN_ELEMENTS = 4096;

// Fresh memory is dear: allocating and first touching 1.2 MB costs about five times writing it again
// (page faults, zeroing, GC pressure). Buffers handed back with `recycle` are reused by `allocate`.
const free = new Map<string, Storage[]>();
/** The buffers in `free`, so that one handed back twice is not handed out twice. */
const pooled = new WeakSet<Storage>();
let pooledBytes = 0;
/** The pool never keeps more than this. */
const MAX_POOLED_BYTES = 256 << 20;
let births: Set<Storage> | null = null;

const poolKey = (dtype: DType, length: number) => `${dtype} ${length}`;

/** A zero-filled buffer: a recycled one of the same dtype and length when there is one. */
export function allocate(dtype: DType, length: number): Storage {
  return take(dtype, length, true);
}

/** Like allocate, for a caller that overwrites every element: a recycled buffer keeps its old values. */
export function allocateUnzeroed(dtype: DType, length: number): Storage {
  return take(dtype, length, false);
}

function take(dtype: DType, length: number, zeroed: boolean): Storage {
  const reused = free.get(poolKey(dtype, length))?.pop();
  let out: Storage;
  if (reused) {
    pooled.delete(reused);
    pooledBytes -= reused.byteLength;
    if (zeroed) reused.fill(0);
    out = reused;
  } else {
    const bytes = dtype === 'float64' ? 8 : 4;
    const buffer =
      length >= SHARED_MIN_ELEMENTS ? new SharedArrayBuffer(length * bytes) : new ArrayBuffer(length * bytes);
    out = dtype === 'float64' ? new Float64Array(buffer) : new Float32Array(buffer);
  }
  births?.add(out);
  return out;
}

/** `data` itself when pool workers can read it (shared memory), else a copy in shared memory. */
export function sharedCopy<T extends Storage>(data: T): T {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const buffer = new SharedArrayBuffer(data.byteLength);
  const copy = (data instanceof Float64Array ? new Float64Array(buffer) : new Float32Array(buffer)) as T;
  copy.set(data);
  return copy;
}

/** Hands a buffer nothing references any more back to `allocate` (once: a second hand-back is ignored). */
export function recycle(data: Storage): void {
  if (data.length === 0 || pooled.has(data) || pooledBytes + data.byteLength > MAX_POOLED_BYTES) return;
  pooled.add(data);
  const key = poolKey(dtypeOf(data), data.length);
  const list = free.get(key);
  if (list) list.push(data);
  else free.set(key, [data]);
  pooledBytes += data.byteLength;
}

/**
 * Runs `fn` with the set of buffers `allocate` returns meanwhile (the only ones it may `recycle`); an
 * enclosing tracker learns of them too.
 */
export function trackingBirths<T>(fn: (born: ReadonlySet<Storage>) => T): T {
  const previous = births;
  const mine = new Set<Storage>();
  births = mine;
  try {
    return fn(mine);
  } finally {
    births = previous;
    if (previous) for (const b of mine) previous.add(b);
  }
}

export function dtypeOf(data: Storage): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

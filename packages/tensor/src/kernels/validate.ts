import { type DType, dtypeOf, type Storage } from '../storage.js';

/** Argument checks shared by the kernels, with messages that name the operation and the argument. */
export function requirePositive(op: string, values: Record<string, number>): void {
  for (const name in values) {
    const value = values[name]!;
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${op}: ${name} must be a positive integer, got ${value}`);
    }
  }
}

export function requireNonNegative(op: string, values: Record<string, number>): void {
  for (const name in values) {
    const value = values[name]!;
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

/** Throws unless `data` holds exactly `length` elements (pass a subarray for a view into a larger buffer). */
export function requireLength(op: string, name: string, data: ArrayLike<number>, length: number): void {
  if (data.length !== length) {
    throw new RangeError(`${op}: ${name} has ${data.length} elements, expected ${length}`);
  }
}

/** Throws unless a scratch buffer holds at least `length` elements. */
export function requireCapacity(op: string, name: string, data: ArrayLike<number>, length: number): void {
  if (data.length < length) {
    throw new RangeError(`${op}: scratch ${name} has ${data.length} elements, needs at least ${length}`);
  }
}

/** GEMM runs on one element type: every buffer of a call must share the dtype of the first. */
export function requireSameDType(op: string, buffers: Record<string, Storage | null>): void {
  let expected: { name: string; dtype: DType } | undefined;
  for (const [name, data] of Object.entries(buffers)) {
    if (data === null) continue;
    const dtype = dtypeOf(data);
    if (expected === undefined) expected = { name, dtype };
    else if (dtype !== expected.dtype) {
      throw new TypeError(`${op}: ${name} is ${dtype} but ${expected.name} is ${expected.dtype}`);
    }
  }
}

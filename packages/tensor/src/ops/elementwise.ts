import { type BinaryKind, binaryKernel } from '../cpu/binary.js';
import { type UnaryKind, unaryKernel } from '../cpu/unary.js';
import type { DType } from '../storage.js';
import { Tensor } from '../tensor.js';

export function resultDType(a: Tensor, b: Tensor): DType {
  return a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32';
}

/** Forward helper shared by the binary primitives. */
export function binaryForward(kind: BinaryKind, a: Tensor, b: Tensor): Tensor {
  const { data, shape } = binaryKernel(kind, a, b, resultDType(a, b));
  return new Tensor(data, shape);
}

/** Forward helper shared by the unary primitives. */
export function unaryForward(kind: UnaryKind, x: Tensor): Tensor {
  return new Tensor(unaryKernel(kind, x.values(), x.dtype), x.shape);
}

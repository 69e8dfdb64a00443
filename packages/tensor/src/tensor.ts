import { backward } from './autograd.js';
import { stridedCopy } from './cpu/copy.js';
import { contiguousStrides, type Shape, sizeOf } from './shape.js';
import { allocate, type DType, dtypeOf, type Storage } from './storage.js';

export type NestedArray = number | NestedArray[];

/** The graph node of a tensor made by a differentiable op: its inputs and its local chain rule. */
export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: (grad: Tensor) => readonly (Tensor | null)[];
}

export class Tensor {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  requiresGrad = false;
  grad: Tensor | null = null;
  node: GraphNode | null = null;

  constructor(
    readonly data: Storage,
    shape: Shape,
    strides?: Shape,
    readonly offset = 0,
  ) {
    this.shape = [...shape];
    this.strides = strides ? [...strides] : contiguousStrides(shape);
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get ndim(): number {
    return this.shape.length;
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i]!;
    }
    return true;
  }

  /** The elements in row-major order: the backing storage itself when it already is exactly that. */
  values(): Storage {
    if (this.isContiguous() && this.offset === 0 && this.data.length === this.size) return this.data;
    const out = allocate(this.dtype, this.size);
    stridedCopy(this.data, this.offset, this.strides, this.shape, out);
    return out;
  }

  toArray(): NestedArray {
    const flat = this.values();
    if (this.shape.length === 0) return flat[0]!;
    const build = (dim: number, start: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const step = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(dim === this.shape.length - 1 ? flat[start + i]! : build(dim + 1, start + i * step));
      }
      return out;
    };
    return build(0, 0);
  }

  item(): number {
    if (this.size !== 1)
      throw new Error(`item() needs a tensor with one element, got shape [${this.shape.join(', ')}]`);
    return this.data[this.offset]!;
  }

  /** Marks a leaf tensor as a parameter whose gradient `backward()` accumulates into `.grad`. */
  requireGrad(flag = true): this {
    if (this.node) throw new Error('requireGrad() is for leaf tensors; this one was made by an op');
    this.requiresGrad = flag;
    return this;
  }

  /** Same storage, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.strides, this.offset);
  }

  backward(grad?: Tensor): void {
    backward(this, grad);
  }

  zeroGrad(): void {
    this.grad = null;
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}])`;
  }
}

import { Tensor } from '@ocellus/tensor';

/** Images stored as one `[N, C, H, W]` float32 block in [0, 1], with integer labels. */
export interface ImageSet {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly size: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** A batch of inputs and their targets, structurally the same type as @ocellus/nn's. */
export interface Batch<T = Int32Array> {
  inputs: Tensor;
  targets: T;
  size: number;
}

/** Copies the listed images into a new `[n, C, H, W]` tensor with their labels. */
export function gatherBatch(set: ImageSet, indices: ArrayLike<number>): Batch {
  const plane = set.channels * set.height * set.width;
  const n = indices.length;
  const out = new Float32Array(n * plane);
  const targets = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const index = indices[i]!;
    if (!(index >= 0 && index < set.size))
      throw new RangeError(`image index ${index} outside [0, ${set.size})`);
    out.set(set.images.subarray(index * plane, (index + 1) * plane), i * plane);
    targets[i] = set.labels[index]!;
  }
  return { inputs: new Tensor(out, [n, set.channels, set.height, set.width]), targets, size: n };
}

import { Tensor } from '@ocellus/tensor';

/** The elements of an `[N, C, H, W]` batch as float32, with its dimensions. */
export interface ImageBatch {
  readonly data: Float32Array;
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

export function readBatch(batch: Tensor): ImageBatch {
  if (batch.ndim !== 4)
    throw new RangeError(`augmentation needs [N, C, H, W], got [${batch.shape.join(', ')}]`);
  const [n, c, h, w] = batch.shape as [number, number, number, number];
  const values = batch.values();
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return { data, n, c, h, w };
}

export function toTensor(data: Float32Array, n: number, c: number, h: number, w: number): Tensor {
  return new Tensor(data, [n, c, h, w]);
}

/** Output size from an option, defaulting to the input's. */
export function outputSize(
  size: readonly [number, number] | undefined,
  h: number,
  w: number,
): [number, number] {
  const [oh, ow] = size ?? [h, w];
  if (!(Number.isInteger(oh) && Number.isInteger(ow) && oh > 0 && ow > 0)) {
    throw new RangeError(`output size [${oh}, ${ow}] must be positive integers`);
  }
  return [oh, ow];
}

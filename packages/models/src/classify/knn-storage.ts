import type { TensorRecord } from '@ocellus/registry';
import { Tensor } from '@ocellus/tensor';
import type { Artifact } from '../types.js';

const LEVELS = 255;

export type FeatureStorage = 'float32' | 'uint8';

/** A [rows, columns] matrix as 8-bit codes: column c holds about `offset[c] + scale[c] * code`. */
export interface QuantizedFeatures {
  readonly rows: number;
  readonly columns: number;
  readonly codes: Uint8Array;
  readonly offset: Float32Array;
  readonly scale: Float32Array;
}

/** The training features a kNN measures distances to, and the codes they decode from when stored as `uint8`. */
export interface StoredFeatures {
  readonly features: Tensor;
  readonly quantized: QuantizedFeatures | null;
}

/**
 * Per-column affine quantisation to 256 levels: offset = min, scale = (max - min) / 255, code =
 * round((x - offset) / scale); a constant column gets scale 0 and code 0, which decodes to it exactly.
 */
export function quantizeColumns(features: Tensor): QuantizedFeatures {
  const [rows, columns] = features.shape as [number, number];
  const x = features.values();
  const offset = new Float32Array(columns).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(columns).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < columns; c++) {
      const v = x[i * columns + c]!;
      if (v < offset[c]!) offset[c] = v;
      if (v > max[c]!) max[c] = v;
    }
  }
  const scale = Float32Array.from(offset, (lo, c) => (max[c]! - lo) / LEVELS);
  const codes = new Uint8Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < columns; c++) {
      const s = scale[c]!;
      if (s === 0) continue;
      const code = Math.round((x[i * columns + c]! - offset[c]!) / s);
      codes[i * columns + c] = Math.min(Math.max(code, 0), LEVELS);
    }
  }
  return { rows, columns, codes, offset, scale };
}

/** The float32 features the codes stand for; the same codes, offset and scale always decode to the same bits. */
export function dequantizeColumns({ rows, columns, codes, offset, scale }: QuantizedFeatures): Tensor {
  const out = new Float32Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < columns; c++) out[i * columns + c] = offset[c]! + scale[c]! * codes[i * columns + c]!;
  }
  return new Tensor(out, [rows, columns]);
}

/** The features as fitted, or quantised and decoded again so that training metrics are a restored model's. */
export function storeFeatures(features: Tensor, storage: FeatureStorage): StoredFeatures {
  if (storage === 'float32') return { features, quantized: null };
  const quantized = quantizeColumns(features);
  return { features: dequantizeColumns(quantized), quantized };
}

/** The artifact entries of stored features: `train.features` (F32), or `train.codes` (U8) with its offset and scale. */
export function featureEntries({
  features,
  quantized,
}: StoredFeatures): Pick<Artifact, 'tensors' | 'records'> {
  if (!quantized) return { tensors: { 'train.features': features } };
  const { rows, columns, codes, offset, scale } = quantized;
  const record: TensorRecord = { dtype: 'U8', shape: [rows, columns], data: codes };
  return {
    tensors: {
      'train.offset': new Tensor(offset, [columns]),
      'train.scale': new Tensor(scale, [columns]),
    },
    records: { 'train.codes': record },
  };
}

/** `featureEntries` read back (integer records arrive as float32 tensors holding the codes). */
export function restoreFeatures(tensors: Record<string, Tensor>, storage: FeatureStorage): StoredFeatures {
  if (storage === 'float32') {
    const features = tensors['train.features'];
    if (!features) throw new Error('knn artifact lacks train.features');
    return { features, quantized: null };
  }
  const codes = tensors['train.codes'];
  const offset = tensors['train.offset'];
  const scale = tensors['train.scale'];
  if (!codes || !offset || !scale)
    throw new Error('uint8 knn artifact lacks train.codes / train.offset / train.scale');
  const [rows, columns] = codes.shape as [number, number];
  const quantized: QuantizedFeatures = {
    rows,
    columns,
    codes: Uint8Array.from(codes.values()),
    offset: Float32Array.from(offset.values()),
    scale: Float32Array.from(scale.values()),
  };
  return { features: dequantizeColumns(quantized), quantized };
}

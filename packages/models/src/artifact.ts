import type { TensorRecord } from '@ocellus/registry';
import { Tensor } from '@ocellus/tensor';
import type { Artifact } from './types.js';

/** Tensors as safetensors records (F32 or F64, row-major copies). */
export function toRecords(tensors: Record<string, Tensor>): Record<string, TensorRecord> {
  const out: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const values = t.values();
    const data = t.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
    out[name] = { dtype: t.dtype === 'float64' ? 'F64' : 'F32', shape: [...t.shape], data };
  }
  return out;
}

/** Everything an artifact publishes: its tensors as F32/F64 records, then its own typed records. */
export function artifactRecords(artifact: Artifact): Record<string, TensorRecord> {
  return { ...toRecords(artifact.tensors), ...artifact.records };
}

/** Records back to tensors; integer records become float32 tensors holding the same values. */
export function fromRecords(records: Record<string, TensorRecord>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, r] of Object.entries(records)) {
    const data =
      r.data instanceof Float64Array || r.data instanceof Float32Array ? r.data : Float32Array.from(r.data);
    out[name] = new Tensor(data, r.shape);
  }
  return out;
}

/** The tensors whose names start with `prefix.`, with the prefix removed. */
export function withPrefix(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(`${prefix}.`)) out[name.slice(prefix.length + 1)] = t;
  }
  return out;
}

export function prefixed(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [`${prefix}.${k}`, t]));
}

import type { ComputeOptions } from '@ocellus/models';
import type { Manifest, TensorRecord } from '@ocellus/registry';

/** Requests of the service to its inference thread; each is answered once by a `HostReply` with its id. */
export type HostRequest =
  | { id: number; kind: 'load'; key: string; manifest: Manifest; tensors: Record<string, TensorRecord> }
  | { id: number; kind: 'predict'; key: string; batch: Float32Array; n: number; options: ComputeOptions }
  | { id: number; kind: 'infer'; key: string; batch: Float32Array; n: number }
  | { id: number; kind: 'dispose'; key: string };

export type HostReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string; outOfMemory: boolean } };

import { type Control, PARAMS, TASK_ROI_ALIGN } from '../runtime/control.js';
import { defaultThreads, runtime, simdRuntime } from '../runtime/index.js';
import { type Storage, sharedCopy } from '../storage.js';
import { requireRoiAlignBuffers, roiAlignBackward, roiAlignForward } from './roi-align.js';
import type { RoiSampling } from './roi-align-weights.js';
import type { RoiGeometry } from './roi-geometry.js';
import { roiAlignSimdBackward, roiAlignSimdForward } from './simd/roi-align.js';

/** Slots of a pooled RoIAlign in the control block: the block counter, the grain, the call's sizes. */
const NEXT = PARAMS;
const GRAIN = PARAMS + 1;
const FIELDS = PARAMS + 2;
const SIZES = ['n', 'c', 'h', 'w', 'k', 'oh', 'ow'] as const;
const SAMPLING = FIELDS + SIZES.length;
const ALIGNED = SAMPLING + 1;
const BACKWARD = ALIGNED + 1;

/**
 * Below this many output values (RoIs x channels x bins) a call runs on the caller alone: waking a worker
 * costs some tens of microseconds, about 20k bins of bilinear sums.
 */
export const ROI_PARALLEL_MIN = 1 << 16;
/** Channel blocks per participant, so that one slow thread holds up little. */
const BLOCKS_PER_THREAD = 4;

/**
 * RoIAlign's forward (`src` the map, `dst` the pooled values) or backward (`src` the pooled gradient, `dst`
 * the map's, zeroed), split by channel blocks over the runtime's pool: a channel's planes are written by
 * one thread only, so the backward's scatter needs no atomics. Small calls run inline. Float32 calls over
 * whole vectors of channels run in WebAssembly SIMD instead (simd/roi-align.ts); `simd: false` keeps them
 * on the JavaScript loops.
 */
export function roiAlignPooled(
  backward: boolean,
  src: Storage,
  rois: Float64Array,
  geo: RoiGeometry,
  sampling: RoiSampling,
  dst: Storage,
  threads = defaultThreads,
  { simd = true }: { simd?: boolean } = {},
): void {
  const kernel = backward ? roiAlignBackward : roiAlignForward;
  const bins = geo.k * geo.c * geo.oh * geo.ow;
  // The SIMD kernels take float32 buffers and whole vectors of channels.
  const rt = simd && geo.c % 4 === 0 ? simdRuntime() : undefined;
  if (rt && src instanceof Float32Array && dst instanceof Float32Array) {
    const participants = bins < ROI_PARALLEL_MIN ? 1 : threads;
    const args = [rt, src, rois, geo, sampling, dst, participants] as const;
    if (backward) {
      requireRoiAlignBuffers('roiAlignBackward', dst, src, rois, geo, sampling);
      roiAlignSimdBackward(...args);
    } else {
      requireRoiAlignBuffers('roiAlignForward', src, dst, rois, geo, sampling);
      roiAlignSimdForward(...args);
    }
    return;
  }
  if (threads <= 1 || geo.c < 2 || bins < ROI_PARALLEL_MIN) {
    kernel(src, rois, geo, sampling, dst);
    return;
  }
  const { pool } = runtime();
  const i32 = pool.control.i32;
  SIZES.forEach((field, i) => {
    i32[FIELDS + i] = geo[field];
  });
  i32[SAMPLING] = sampling.samplingRatio;
  i32[ALIGNED] = sampling.aligned ? 1 : 0;
  i32[BACKWARD] = backward ? 1 : 0;
  i32[GRAIN] = Math.max(1, Math.ceil(geo.c / (threads * BLOCKS_PER_THREAD)));
  i32[NEXT] = 0;
  pool.control.f64[0] = geo.spatialScale;
  const out = sharedCopy(dst);
  pool.share([sharedCopy(src), rois, out]);
  pool.run(TASK_ROI_ALIGN, Math.min(threads, geo.c), () =>
    participateRoiAlign(pool.control, [src, rois, out]),
  );
  if (out !== dst) dst.set(out);
}

/** Claims channel blocks of the call in the control block and runs them until none is left (caller and workers). */
export function participateRoiAlign(control: Control, arrays: readonly ArrayBufferView[]): void {
  const i32 = control.i32;
  const [src, rois, dst] = arrays as [Storage, Float64Array, Storage];
  const sizes = Object.fromEntries(SIZES.map((field, i) => [field, i32[FIELDS + i]!])) as Record<
    (typeof SIZES)[number],
    number
  >;
  const geo: RoiGeometry = { ...sizes, spatialScale: control.f64[0]! };
  const sampling: RoiSampling = { samplingRatio: i32[SAMPLING]!, aligned: i32[ALIGNED] === 1 };
  const kernel = i32[BACKWARD] === 1 ? roiAlignBackward : roiAlignForward;
  const grain = i32[GRAIN]!;
  for (let from = Atomics.add(i32, NEXT, 1) * grain; from < geo.c; from = Atomics.add(i32, NEXT, 1) * grain) {
    kernel(src, rois, geo, sampling, dst, { from, to: Math.min(geo.c, from + grain) });
  }
}

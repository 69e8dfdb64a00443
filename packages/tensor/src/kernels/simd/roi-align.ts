import { type Control, PARAMS, TASK_ROI_ALIGN_SIMD, WORKER_UNITS } from '../../runtime/control.js';
import type { Runtime } from '../../runtime/index.js';
import type { Instance } from '../../runtime/modules.js';
import type { Storage } from '../../storage.js';
import { nchwToPositionMajor } from '../layout.js';
import { fillRoiAlignWeights, type RoiSampling, roiAlignWeights } from '../roi-align-weights.js';
import type { RoiGeometry } from '../roi-geometry.js';
import { ROI_ALIGN_BLOCK } from './roi-align-module.js';

/**
 * RoIAlign's float32 forward in WebAssembly SIMD: the map copied channels-last into the runtime's memory,
 * each RoI's separable bilinear weights built as roiAlignForward builds them, then one kernel call per
 * RoI sums the bins for four channels per vector (see roi-align-module.ts). RoIs are shared out to the
 * pool's threads in blocks; each RoI's result is the same whichever thread computes it.
 */

/** The SIMD forward needs whole vectors of channels. */
export const roiAlignSimdFits = (x: Storage, geo: RoiGeometry): boolean =>
  x instanceof Float32Array && geo.c % 4 === 0;

/** Byte addresses and sizes of one call, in the order they travel through the control block. */
const FIELDS = [
  'n',
  'c',
  'h',
  'w',
  'k',
  'oh',
  'ow',
  'sampling',
  'aligned',
  'map',
  'rois',
  'out',
  'regions',
] as const;
type Call = Record<(typeof FIELDS)[number], number>;

const NEXT = PARAMS;
const GRAIN = PARAMS + 1;
const CALL = PARAMS + 2;
/** RoI blocks per participant, so that one slow thread holds up little. */
const BLOCKS_PER_THREAD = 8;

/** Floats of one participant's region: row and column weights, then the four span tables (i32). */
const regionFloats = (g: Pick<Call, 'h' | 'w' | 'oh' | 'ow'>) => g.oh * g.h + g.ow * g.w + 2 * (g.oh + g.ow);

/** One participant's RoIs: claims blocks of `grain` RoIs from NEXT until none is left. */
function participate(
  inst: Instance,
  call: Call,
  spatialScale: number,
  i32: Int32Array,
  grain: number,
  slot: number,
): void {
  const { n, c, h, w, k, oh, ow } = call;
  const geo: RoiGeometry = { n, c, h, w, k, oh, ow, spatialScale };
  const sampling: RoiSampling = { samplingRatio: call.sampling, aligned: call.aligned === 1 };
  const memory = inst.memory.buffer;
  const f32 = new Float32Array(memory);
  const ints = new Int32Array(memory);
  const rois = new Float64Array(memory, call.rois, 5 * k);
  const weights = roiAlignWeights(geo);
  const rowW = call.regions + slot * (Math.ceil(regionFloats(call) / 4) * 16);
  const colW = rowW + 4 * oh * h;
  const spans = colW + 4 * ow * w;
  const plane = 4 * oh * ow;
  const blocks = Math.floor(c / (4 * ROI_ALIGN_BLOCK));
  const rest = c / 4 - blocks * ROI_ALIGN_BLOCK;
  const wide = inst.roiAlign(ROI_ALIGN_BLOCK);
  const narrow = inst.roiAlign(1);
  for (let from = Atomics.add(i32, NEXT, 1) * grain; from < k; from = Atomics.add(i32, NEXT, 1) * grain) {
    for (let r = from; r < Math.min(k, from + grain); r++) {
      fillRoiAlignWeights(weights, rois, r, geo, sampling, Math.fround);
      f32.set(weights.rows.weight, rowW >> 2);
      f32.set(weights.cols.weight, colW >> 2);
      ints.set(weights.rows.start, spans >> 2);
      ints.set(weights.rows.end, (spans >> 2) + oh);
      ints.set(weights.cols.start, (spans >> 2) + 2 * oh);
      ints.set(weights.cols.end, (spans >> 2) + 2 * oh + ow);
      const img = call.map + 4 * rois[5 * r]! * h * w * c;
      const out = call.out + 4 * r * c * oh * ow;
      const inv = Math.fround(1 / weights.count);
      const args = [rowW, colW, spans, oh, ow, 4 * h, 4 * w, 4 * w * c, 4 * c] as const;
      if (blocks > 0) wide(img, ...args, blocks, out, plane, inv);
      if (rest > 0) narrow(img + 64 * blocks, ...args, rest, out + 16 * blocks * plane, plane, inv);
    }
    if (slot > 0) Atomics.add(i32, WORKER_UNITS, 1);
  }
}

/** Participant `slot`'s share (0 the caller) of the call posted in the control block. */
export function participateRoiAlignSimd(inst: Instance, control: Control, slot: number): void {
  const i32 = control.i32;
  const call = Object.fromEntries(FIELDS.map((field, i) => [field, i32[CALL + i]!])) as Call;
  participate(inst, call, control.f64[0]!, i32, i32[GRAIN]!, slot);
}

/**
 * out[r, c, ph, pw] as roiAlignForward gives it (to float32 rounding), `threads` sharing the RoIs when
 * more than one takes part; `x` float32 with a multiple of 4 channels (roiAlignSimdFits).
 */
export function roiAlignSimdForward(
  rt: Runtime,
  x: Float32Array,
  rois: Float64Array,
  geo: RoiGeometry,
  sampling: RoiSampling,
  out: Float32Array,
  threads: number,
): void {
  const { n, c, h, w, k, oh, ow } = geo;
  if (k === 0) return;
  const participants = Math.max(1, Math.min(threads, k));
  const at = rt.scratch({
    map: n * h * w * c,
    rois: 2 * 5 * k,
    out: k * c * oh * ow,
    regions: participants * Math.ceil(regionFloats(geo) / 4) * 4,
  });
  nchwToPositionMajor(x, n, c, h * w, rt.floats.subarray(at.map >> 2, (at.map >> 2) + n * h * w * c));
  new Float64Array(rt.memory.buffer, at.rois, 5 * k).set(rois);
  const call: Call = {
    n,
    c,
    h,
    w,
    k,
    oh,
    ow,
    sampling: sampling.samplingRatio,
    aligned: sampling.aligned ? 1 : 0,
    ...at,
  };
  const control = participants > 1 ? rt.pool.control : rt.solo;
  const i32 = control.i32;
  FIELDS.forEach((field, i) => {
    i32[CALL + i] = call[field];
  });
  i32[NEXT] = 0;
  i32[GRAIN] = Math.max(1, Math.ceil(k / (participants * BLOCKS_PER_THREAD)));
  control.f64[0] = geo.spatialScale;
  if (participants === 1) participateRoiAlignSimd(rt.instance, control, 0);
  else rt.pool.run(TASK_ROI_ALIGN_SIMD, participants, () => participateRoiAlignSimd(rt.instance, control, 0));
  out.set(rt.floats.subarray(at.out >> 2, (at.out >> 2) + k * c * oh * ow));
}

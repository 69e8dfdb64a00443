import { type Control, PARAMS, TASK_ROI_ALIGN_SIMD, WORKER_UNITS } from '../../runtime/control.js';
import type { Runtime } from '../../runtime/index.js';
import type { Instance } from '../../runtime/modules.js';
import { nchwToPositionMajor, positionMajorToNchw } from '../layout.js';
import {
  fillRoiAlignWeights,
  type RoiAlignWeights,
  type RoiSampling,
  roiAlignWeights,
} from '../roi-align-weights.js';
import type { RoiGeometry } from '../roi-geometry.js';
import type { RoiAlignFn } from './module.js';
import { ROI_ALIGN_BLOCK } from './roi-align-module.js';

/**
 * RoIAlign's float32 forward and backward in WebAssembly SIMD: the map (or its gradient) channels-last in
 * the runtime's memory, each RoI's separable bilinear weights built as roiAlignForward builds them, then
 * kernel calls per RoI over four channels per vector (see roi-align-module.ts). The forward shares RoIs
 * out to the pool's threads in blocks; the backward shares channel runs, so that no two threads add to
 * one value, and every value is summed in the same order whatever the thread count.
 */

/** Byte addresses and sizes of one call, in the order they travel through the control block. */
const FIELDS = [
  'backward',
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
  'pooled',
  'weights',
] as const;
type Call = Record<(typeof FIELDS)[number], number>;

const NEXT = PARAMS;
const GRAIN = PARAMS + 1;
const CALL = PARAMS + 2;
/** Work units per participant, so that one slow thread holds up little. */
const UNITS_PER_THREAD = 8;

/** Byte offsets in one RoI's weights: row weights, column weights, the four span tables (i32), 1 / count. */
function weightLayout({ h, w, oh, ow }: Pick<RoiGeometry, 'h' | 'w' | 'oh' | 'ow'>) {
  const colW = 4 * oh * h;
  const spans = colW + 4 * ow * w;
  const inv = spans + 8 * (oh + ow);
  return { colW, spans, inv, bytes: Math.ceil((inv + 4) / 16) * 16 };
}

/** The geometry and sampling of a call. */
const geometryOf = (call: Call, spatialScale: number) => {
  const { n, c, h, w, k, oh, ow } = call;
  const geo: RoiGeometry = { n, c, h, w, k, oh, ow, spatialScale };
  const sampling: RoiSampling = { samplingRatio: call.sampling, aligned: call.aligned === 1 };
  return { geo, sampling };
};

/** One thread's views of a call in the memory, and its kernels. */
class RoiRunner {
  private readonly f32: Float32Array;
  private readonly ints: Int32Array;
  private readonly rois: Float64Array;
  private readonly layout: ReturnType<typeof weightLayout>;
  private readonly weights: RoiAlignWeights;
  private readonly kernels: readonly [RoiAlignFn, RoiAlignFn];

  constructor(
    inst: Instance,
    private readonly call: Call,
    private readonly geo: RoiGeometry,
    private readonly sampling: RoiSampling,
  ) {
    const memory = inst.memory.buffer;
    this.f32 = new Float32Array(memory);
    this.ints = new Int32Array(memory);
    this.rois = new Float64Array(memory, call.rois, 5 * call.k);
    this.layout = weightLayout(geo);
    this.weights = roiAlignWeights(geo);
    const backward = call.backward === 1;
    this.kernels = [inst.roiAlign(ROI_ALIGN_BLOCK, backward), inst.roiAlign(1, backward)];
  }

  /** Builds RoI r's weights and writes them at byte address `at` (weightLayout). */
  stage(r: number, at: number): void {
    const { f32, ints, weights, layout } = this;
    const { oh, ow } = this.geo;
    fillRoiAlignWeights(weights, this.rois, r, this.geo, this.sampling, Math.fround);
    f32.set(weights.rows.weight, at >> 2);
    f32.set(weights.cols.weight, (at + layout.colW) >> 2);
    const s = (at + layout.spans) >> 2;
    ints.set(weights.rows.start, s);
    ints.set(weights.rows.end, s + oh);
    ints.set(weights.cols.start, s + 2 * oh);
    ints.set(weights.cols.end, s + 2 * oh + ow);
    f32[(at + layout.inv) >> 2] = 1 / weights.count;
  }

  /** Channel vectors [v0, v1) of RoI r over the weights at `at`: blocks of ROI_ALIGN_BLOCK vectors, then single ones. */
  run(r: number, at: number, v0: number, v1: number): void {
    const { call, layout } = this;
    const { c, h, w, oh, ow } = call;
    const inv = this.f32[(at + layout.inv) >> 2]!;
    const plane = 4 * oh * ow;
    const img = call.map + 4 * this.rois[5 * r]! * h * w * c + 16 * v0;
    const pooled = call.pooled + 4 * r * c * oh * ow + 4 * v0 * plane;
    const args = [at, at + layout.colW, at + layout.spans, oh, ow, 4 * h, 4 * w, 4 * w * c, 4 * c] as const;
    const blocks = Math.floor((v1 - v0) / ROI_ALIGN_BLOCK);
    const rest = v1 - v0 - blocks * ROI_ALIGN_BLOCK;
    const [wide, narrow] = this.kernels;
    if (blocks > 0) wide(img, ...args, blocks, pooled, plane, inv);
    const done = blocks * ROI_ALIGN_BLOCK;
    if (rest > 0) narrow(img + 16 * done, ...args, rest, pooled + 4 * done * plane, plane, inv);
  }
}

/**
 * Participant `slot`'s share (0 the caller) of the call in the control block: forward, blocks of GRAIN
 * RoIs, each RoI's weights built in the participant's own region; backward, runs of GRAIN channel vectors
 * over every RoI, whose weights the caller built.
 */
export function participateRoiAlignSimd(inst: Instance, control: Control, slot: number): void {
  const i32 = control.i32;
  const call = Object.fromEntries(FIELDS.map((field, i) => [field, i32[CALL + i]!])) as Call;
  const grain = i32[GRAIN]!;
  const { geo, sampling } = geometryOf(call, control.f64[0]!);
  const { bytes } = weightLayout(geo);
  const vectors = geo.c / 4;
  const backward = call.backward === 1;
  const units = backward ? vectors : geo.k;
  const runner = new RoiRunner(inst, call, geo, sampling);
  for (let from = Atomics.add(i32, NEXT, 1) * grain; from < units; from = Atomics.add(i32, NEXT, 1) * grain) {
    const to = Math.min(units, from + grain);
    if (backward) {
      for (let r = 0; r < geo.k; r++) runner.run(r, call.weights + r * bytes, from, to);
    } else {
      const at = call.weights + slot * bytes;
      for (let r = from; r < to; r++) {
        runner.stage(r, at);
        runner.run(r, at, 0, vectors);
      }
    }
    if (slot > 0) Atomics.add(i32, WORKER_UNITS, 1);
  }
}

/** Posts the call in the control block and runs it on `participants` threads. */
function dispatch(rt: Runtime, call: Call, spatialScale: number, units: number, participants: number): void {
  const control = participants > 1 ? rt.pool.control : rt.solo;
  const i32 = control.i32;
  FIELDS.forEach((field, i) => {
    i32[CALL + i] = call[field];
  });
  i32[NEXT] = 0;
  i32[GRAIN] = Math.max(1, Math.ceil(units / (participants * UNITS_PER_THREAD)));
  control.f64[0] = spatialScale;
  if (participants === 1) participateRoiAlignSimd(rt.instance, control, 0);
  else rt.pool.run(TASK_ROI_ALIGN_SIMD, participants, () => participateRoiAlignSimd(rt.instance, control, 0));
}

/** Scratch of a call: the channels-last map, the RoIs (float64), the pooled values, weight regions. */
function callScratch(
  rt: Runtime,
  geo: RoiGeometry,
  sampling: RoiSampling,
  backward: boolean,
  regions: number,
  rois: Float64Array,
): Call {
  const { n, c, h, w, k, oh, ow } = geo;
  const at = rt.scratch({
    map: n * h * w * c,
    rois: 2 * 5 * k,
    pooled: k * c * oh * ow,
    weights: (regions * weightLayout(geo).bytes) / 4,
  });
  new Float64Array(rt.memory.buffer, at.rois, 5 * k).set(rois);
  return {
    backward: backward ? 1 : 0,
    ...{ n, c, h, w, k, oh, ow },
    sampling: sampling.samplingRatio,
    aligned: sampling.aligned ? 1 : 0,
    ...at,
  };
}

/**
 * out[r, c, ph, pw] as roiAlignForward gives it (to float32 rounding), `threads` sharing the RoIs when
 * more than one takes part; `x` with a multiple of 4 channels.
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
  const { n, c, h, w, k } = geo;
  if (k === 0) return;
  const participants = Math.max(1, Math.min(threads, k));
  const call = callScratch(rt, geo, sampling, false, participants, rois);
  nchwToPositionMajor(x, n, c, h * w, rt.floats.subarray(call.map >> 2, (call.map >> 2) + n * h * w * c));
  dispatch(rt, call, geo.spatialScale, k, participants);
  out.set(rt.floats.subarray(call.pooled >> 2, (call.pooled >> 2) + out.length));
}

/**
 * dx (overwritten) = the adjoint of roiAlignSimdForward applied to `gradOut`, as roiAlignBackward gives it
 * to float32 rounding; channel runs shared by `threads`.
 */
export function roiAlignSimdBackward(
  rt: Runtime,
  gradOut: Float32Array,
  rois: Float64Array,
  geo: RoiGeometry,
  sampling: RoiSampling,
  dx: Float32Array,
  threads: number,
): void {
  const { n, c, h, w, k } = geo;
  if (k === 0) {
    dx.fill(0);
    return;
  }
  const vectors = c / 4;
  const participants = Math.max(1, Math.min(threads, vectors));
  const call = callScratch(rt, geo, sampling, true, k, rois);
  const runner = new RoiRunner(rt.instance, call, geo, sampling);
  const { bytes } = weightLayout(geo);
  for (let r = 0; r < k; r++) runner.stage(r, call.weights + r * bytes);
  rt.floats.set(gradOut, call.pooled >> 2);
  rt.floats.fill(0, call.map >> 2, (call.map >> 2) + n * h * w * c);
  dispatch(rt, call, geo.spatialScale, vectors, participants);
  positionMajorToNchw(rt.floats.subarray(call.map >> 2), n, c, h * w, null, dx);
}

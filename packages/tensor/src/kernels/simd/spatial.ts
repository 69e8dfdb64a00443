import { type Control, PARAMS, TASK_SPATIAL, WORKER_UNITS } from '../../runtime/control.js';
import { defaultThreads, type Runtime } from '../../runtime/index.js';
import type { Instance } from '../../runtime/modules.js';
import { type IgemmOptions, PARALLEL_MIN_MACS } from './igemm.js';
import { SPATIAL_MAX_CHANNELS } from './spatial-module.js';

/** One spatial convolution over n images (see spatial-module.ts); addresses and strides in bytes. */
export interface SpatialCall {
  /** Image 0's zero-padded input; images `srcImage` bytes apart, input rows `wpb` bytes apart. */
  src: number;
  srcImage: number;
  wpb: number;
  /** `k` tap offsets; weights [k][ldw / 4] with channel f at 4 f of each row. */
  taps: number;
  k: number;
  w: number;
  ldw: number;
  bias: number;
  flags: number;
  /** Image 0's NCHW output; images `outImage` bytes apart, channel planes `plane` bytes apart. */
  out: number;
  outImage: number;
  plane: number;
  n: number;
  channels: number;
  oh: number;
  ow: number;
}

/** The call's fields in a fixed order, to pass it to other threads through shared memory. */
const FIELDS = [
  'src',
  'srcImage',
  'wpb',
  'taps',
  'k',
  'w',
  'ldw',
  'bias',
  'flags',
  'out',
  'outImage',
  'plane',
  'n',
  'channels',
  'oh',
  'ow',
] as const satisfies readonly (keyof SpatialCall)[];

/** Slots of a pooled call in the control block: the unit counter, the rows per unit, the call. */
const NEXT = PARAMS;
const ROWS = PARAMS + 1;
const CALL = PARAMS + 2;
/** Units per participant, so that one slow thread holds up little. */
const UNITS_PER_THREAD = 8;

const channelBlocks = (call: SpatialCall) => Math.ceil(call.channels / SPATIAL_MAX_CHANNELS);

/** Units of the call: per image, per block of up to 6 channels, per run of `rows` output rows. */
const unitCount = (call: SpatialCall, rows: number) =>
  call.n * channelBlocks(call) * Math.ceil(call.oh / rows);

/** Runs unit `u` (any order, any thread: units write disjoint outputs). */
function runUnit(inst: Pick<Instance, 'spatial'>, call: SpatialCall, rows: number, u: number): void {
  const chunks = Math.ceil(call.oh / rows);
  const perImage = channelBlocks(call) * chunks;
  const image = Math.floor(u / perImage);
  const block = Math.floor((u % perImage) / chunks);
  const r0 = (u % chunks) * rows;
  const f0 = block * SPATIAL_MAX_CHANNELS;
  inst.spatial(Math.min(SPATIAL_MAX_CHANNELS, call.channels - f0))(
    call.src + image * call.srcImage + r0 * call.wpb,
    call.taps,
    call.k,
    call.w + 4 * f0,
    call.ldw,
    call.bias + 4 * f0,
    call.flags,
    call.out + image * call.outImage + f0 * call.plane + 4 * r0 * call.ow,
    call.plane,
    Math.min(rows, call.oh - r0),
    call.ow,
    call.wpb,
  );
}

/** Claims and runs units of the call in the control block until none is left (caller and workers alike). */
export function participateSpatial(inst: Pick<Instance, 'spatial'>, control: Control, worker: boolean): void {
  const i32 = control.i32;
  const call = {} as SpatialCall;
  FIELDS.forEach((field, i) => {
    call[field] = i32[CALL + i]!;
  });
  const rows = i32[ROWS]!;
  const units = unitCount(call, rows);
  for (let u = Atomics.add(i32, NEXT, 1); u < units; u = Atomics.add(i32, NEXT, 1)) {
    runUnit(inst, call, rows, u);
    if (worker) Atomics.add(i32, WORKER_UNITS, 1);
  }
}

/** Runs the call: alone, a whole image and channel block at a time, or in row runs shared with the workers. */
export function spatialConv(rt: Runtime, call: SpatialCall, options: IgemmOptions = {}): void {
  const macs = call.n * call.oh * call.ow * call.k * call.channels;
  const threads =
    macs >= (options.parallelMin ?? PARALLEL_MIN_MACS) ? (options.threads ?? defaultThreads) : 1;
  if (threads <= 1) {
    const units = unitCount(call, call.oh);
    for (let u = 0; u < units; u++) runUnit(rt.instance, call, call.oh, u);
    return;
  }
  const { control } = rt.pool;
  const i32 = control.i32;
  FIELDS.forEach((field, i) => {
    i32[CALL + i] = call[field];
  });
  const runs = call.n * channelBlocks(call);
  i32[ROWS] = Math.min(call.oh, Math.max(1, Math.ceil((call.oh * runs) / (threads * UNITS_PER_THREAD))));
  i32[NEXT] = 0;
  rt.pool.run(TASK_SPATIAL, threads, () => participateSpatial(rt.instance, control, false));
}

import { MAX_PAGES } from '../../wasm/api.js';
import { moduleBytes } from '../../wasm/writer.js';
import { igemmFunctions } from './igemm-module.js';
import { normFunctions } from './norm-module.js';
import { poolFunctions } from './pool-module.js';
import { reluFunctions } from './relu-module.js';
import { roiAlignFunctions } from './roi-align-module.js';
import { scatterFunctions } from './scatter-module.js';
import { spatialFunctions } from './spatial-module.js';
import { stageFunctions } from './stage-module.js';
import { winogradFunctions } from './winograd-module.js';

/** See igemm-module.ts; every argument an i32, addresses in bytes. */
export type IgemmFn = (
  src: number,
  rows: number,
  count: number,
  cols: number,
  k: number,
  b: number,
  ldb: number,
  cbase: number,
  cOff: number,
  fStride: number,
  nf: number,
  bias: number,
  flags: number,
) => void;

/** See spatial-module.ts; every argument an i32, addresses in bytes. */
export type SpatialFn = (
  src: number,
  taps: number,
  k: number,
  w: number,
  ldw: number,
  bias: number,
  flags: number,
  out: number,
  plane: number,
  rows: number,
  ow: number,
  wpb: number,
) => void;

/** See roi-align-module.ts (forward and backward alike); addresses and strides in bytes, `inv` a float. */
export type RoiAlignFn = (
  img: number,
  rowW: number,
  colW: number,
  spans: number,
  oh: number,
  ow: number,
  hb: number,
  wb: number,
  rowb: number,
  pix: number,
  blocks: number,
  out: number,
  plane: number,
  inv: number,
) => void;

/** The exports besides the igemm blocks (pool, relu, stage, scatter, Winograd and norm modules). */
export interface SimdKernels {
  channelSums(x: number, n: number, c: number, plane: number, mean: number, out: number): void;
  channelAffine(
    x: number,
    out: number,
    n: number,
    c: number,
    plane: number,
    scale: number,
    shift: number,
    relu: number,
  ): void;
  channelGradSums(
    g: number,
    x: number,
    y: number,
    relu: number,
    n: number,
    c: number,
    plane: number,
    mean: number,
    invstd: number,
    out: number,
  ): void;
  channelGradInput(
    g: number,
    x: number,
    y: number,
    relu: number,
    n: number,
    c: number,
    plane: number,
    a: number,
    b: number,
    d: number,
    dx: number,
  ): void;
  padPlanes(
    src: number,
    dst: number,
    planes: number,
    h: number,
    w: number,
    top: number,
    left: number,
    hp: number,
    wp: number,
  ): void;
  gradRows(
    g: number,
    y: number,
    mask: number,
    n: number,
    f: number,
    plane: number,
    fp: number,
    gT: number,
    sums: number,
  ): void;
  addStrided(
    src: number,
    dst: number,
    planes: number,
    rows: number,
    cols: number,
    srcPlane: number,
    srcRow: number,
    dstPlane: number,
    dstRow: number,
    dstStep: number,
  ): void;
  winogradInput(src: number, dst: number, th: number, groups: number, wp: number, xi: number): void;
  winogradGradTiles(
    src: number,
    dst: number,
    th: number,
    groups: number,
    tileBytes: number,
    xi: number,
  ): void;
  winogradOutput(
    src: number,
    dst: number,
    th: number,
    groups: number,
    xi: number,
    bias: number,
    relu: number,
  ): void;
  maxPool2x2(src: number, dst: number, rows: number, w: number): void;
  maxPool2x2Backward(x: number, g: number, dx: number, rows: number, w: number): void;
  relu(src: number, dst: number, vectors: number): void;
  reluMask(g: number, y: number, dst: number, vectors: number): void;
}

/** The convolution kernels' module: igemm and spatial blocks (with FMA when `relaxed`), pooling, ReLU, staging, col2im, Winograd transforms, norms, RoIAlign. */
export const convModuleBytes = (relaxed: boolean): Uint8Array =>
  moduleBytes(
    [
      ...igemmFunctions(relaxed),
      ...spatialFunctions(relaxed),
      ...poolFunctions(),
      ...reluFunctions(),
      ...stageFunctions(),
      ...scatterFunctions(),
      ...winogradFunctions(),
      ...normFunctions(),
      ...roiAlignFunctions(),
    ],
    MAX_PAGES,
  );

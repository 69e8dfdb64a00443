import { absOp } from './abs.js';
import { addOp } from './add.js';
import { additiveEnergyOp } from './additive-energy.js';
import { type ArgReduceAttrs, argReduceOp } from './argmax.js';
import { avgPool2dOp } from './avg-pool2d.js';
import { type BatchNormAttrs, batchNormOp } from './batch-norm.js';
import { type ClampAttrs, clampOp } from './clamp.js';
import { type Col2imAttrs, col2imOp } from './col2im.js';
import { type CompareKind, compareOp } from './compare.js';
import { concatOp } from './concat.js';
import { contiguousOp } from './contiguous.js';
import { type ConvTranspose2dAttrs, convTranspose2dOp } from './conv-transpose2d.js';
import { type Conv2dAttrs, conv2dOp } from './conv2d.js';
import { divOp } from './div.js';
import { expOp } from './exp.js';
import { expandOp } from './expand.js';
import { type GatherAttrs, gatherOp } from './gather.js';
import { type Im2colAttrs, im2colOp } from './im2col.js';
import { type IndexSelectAttrs, indexSelectOp } from './index-select.js';
import { type LinearAttrs, linearOp } from './linear.js';
import { logOp } from './log.js';
import { matmulOp } from './matmul.js';
import { maxOp } from './max.js';
import { maxPool2dOp } from './max-pool2d.js';
import { maximumOp } from './maximum.js';
import { minOp } from './min.js';
import { minimumOp } from './minimum.js';
import { mulOp } from './mul.js';
import { negOp } from './neg.js';
import type { NoAttrs, OpDef } from './op.js';
import { type PadAttrs, padOp } from './pad.js';
import { permuteOp } from './permute.js';
import type { Pool2dAttrs } from './pool2d.js';
import { powOp } from './pow.js';
import type { ReduceAttrs } from './reduce.js';
import { reluOp } from './relu.js';
import { reshapeOp } from './reshape.js';
import { roiAlignOp } from './roi-align.js';
import type { RoiAlignAttrs, RoiPoolAttrs } from './roi-inputs.js';
import { roiPoolOp } from './roi-pool.js';
import { sigmoidOp } from './sigmoid.js';
import { signOp } from './sign.js';
import { type SliceAttrs, sliceOp } from './slice.js';
import { type SoftmaxCrossEntropyAttrs, softmaxCrossEntropyOp } from './softmax-cross-entropy.js';
import { sqrtOp } from './sqrt.js';
import { subOp } from './sub.js';
import { sumOp } from './sum.js';
import { tanhOp } from './tanh.js';
import { whereOp } from './where.js';

/** Every primitive and its attributes. An entry here without a definition below does not compile. */
export interface OpAttrs {
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  pow: NoAttrs;
  maximum: NoAttrs;
  minimum: NoAttrs;
  compare: { kind: CompareKind };
  where: NoAttrs;
  neg: NoAttrs;
  exp: NoAttrs;
  log: NoAttrs;
  sqrt: NoAttrs;
  abs: NoAttrs;
  sign: NoAttrs;
  relu: NoAttrs;
  sigmoid: NoAttrs;
  tanh: NoAttrs;
  clamp: ClampAttrs;
  sum: ReduceAttrs;
  max: ReduceAttrs;
  min: ReduceAttrs;
  argReduce: ArgReduceAttrs;
  reshape: { shape: number[] };
  permute: { perm: number[] };
  slice: SliceAttrs;
  expand: { shape: number[] };
  pad: PadAttrs;
  concat: { axis: number };
  indexSelect: IndexSelectAttrs;
  gather: GatherAttrs;
  contiguous: NoAttrs;
  matmul: NoAttrs;
  linear: LinearAttrs;
  softmaxCrossEntropy: SoftmaxCrossEntropyAttrs;
  batchNorm: BatchNormAttrs;
  im2col: Im2colAttrs;
  col2im: Col2imAttrs;
  conv2d: Conv2dAttrs;
  convTranspose2d: ConvTranspose2dAttrs;
  maxPool2d: Pool2dAttrs;
  avgPool2d: Pool2dAttrs;
  roiPool: RoiPoolAttrs;
  roiAlign: RoiAlignAttrs;
  additiveEnergy: NoAttrs;
}

export type OpName = keyof OpAttrs;

export const ops: { readonly [K in OpName]: OpDef<OpAttrs[K]> } = {
  add: addOp,
  sub: subOp,
  mul: mulOp,
  div: divOp,
  pow: powOp,
  maximum: maximumOp,
  minimum: minimumOp,
  compare: compareOp,
  where: whereOp,
  neg: negOp,
  exp: expOp,
  log: logOp,
  sqrt: sqrtOp,
  abs: absOp,
  sign: signOp,
  relu: reluOp,
  sigmoid: sigmoidOp,
  tanh: tanhOp,
  clamp: clampOp,
  sum: sumOp,
  max: maxOp,
  min: minOp,
  argReduce: argReduceOp,
  reshape: reshapeOp,
  permute: permuteOp,
  slice: sliceOp,
  expand: expandOp,
  pad: padOp,
  concat: concatOp,
  indexSelect: indexSelectOp,
  gather: gatherOp,
  contiguous: contiguousOp,
  matmul: matmulOp,
  linear: linearOp,
  softmaxCrossEntropy: softmaxCrossEntropyOp,
  batchNorm: batchNormOp,
  im2col: im2colOp,
  col2im: col2imOp,
  conv2d: conv2dOp,
  convTranspose2d: convTranspose2dOp,
  maxPool2d: maxPool2dOp,
  avgPool2d: avgPool2dOp,
  roiPool: roiPoolOp,
  roiAlign: roiAlignOp,
  additiveEnergy: additiveEnergyOp,
};

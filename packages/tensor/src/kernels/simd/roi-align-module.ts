import { F32, op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

/**
 * RoIAlign's forward for one RoI over a channels-last map: a bin's value for a vector of channels is
 * sum_y rowW[y] sum_x colW[x] map[y, x, :], the separable bilinear weights of roi-align-weights.ts
 * (zero outside each bin's span), so the channels of a pixel are one contiguous load.
 */

/** Channel vectors held per pass (accumulator and line per vector, plus a splat, within 16 xmm). */
export const ROI_ALIGN_BLOCK = 4;

export const roiAlignName = (vectors: number): string => `roiAlign_${vectors}`;

// Parameters (i32 but the last), addresses and strides in bytes.
const [IMG, ROWW, COLW, SPANS, OH, OW, HB, WB, ROWB, PIX, BLOCKS, OUT, PLANE, INV] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
];
const PARAMS = 14;
const [PH, PW, Y, Y1, X1, A, CW, RB, BIN] = [14, 15, 16, 17, 18, 19, 20, 21, 22];
const I32_LOCALS = 9;

/**
 * `roiAlign_<nv>(img, rowW, colW, spans, oh, ow, hb, wb, rowb, pix, blocks, out, plane, inv)`: for each of
 * `blocks` runs of nv channel vectors (img and out advanced by the run), and each bin (ph, pw), the value
 * above times `inv` (1 / sample count) goes to out + channel * plane + 4 (ph ow + pw). The map's pixel
 * (y, x) is at img + y rowb + x pix; bin ph weighs row y by the f32 at rowW + ph hb + 4 y, bin pw column x
 * by colW + pw wb + 4 x; `spans` holds i32 row starts [oh], row ends [oh], column starts [ow] and ends [ow]
 * (an empty span gives 0). `blocks`, `oh` and `ow` must be at least 1.
 */
export function roiAlignFunction(nv: number): FunctionDef {
  const v0 = PARAMS + I32_LOCALS;
  const acc = (i: number) => v0 + i;
  const line = (i: number) => v0 + nv + i;
  const splat = v0 + 2 * nv;
  const c = new Code();
  /** Pushes the i32 at spans[oh * table + (ow if afterOw) + index]. */
  const span = (table: number, afterOw: boolean, index: number) => {
    c.get(SPANS).get(OH).i32(table).emit(op.i32Mul);
    if (afterOw) c.get(OW).emit(op.i32Add);
    c.get(index)
      .emit(op.i32Add)
      .i32(4)
      .emit(op.i32Mul, op.i32Add, op.i32Load, ...memarg(2));
  };
  /** into += splat * from (from pushes one vector). */
  const madd = (into: number, from: () => void) => {
    c.get(into).get(splat);
    from();
    c.simd(simd.f32x4Mul).simd(simd.f32x4Add).set(into);
  };

  c.emit(op.loop, op.emptyBlock);
  c.get(OUT).set(BIN);
  c.i32(0).set(PH);
  c.emit(op.loop, op.emptyBlock);
  c.i32(0).set(PW);
  c.emit(op.loop, op.emptyBlock);
  for (let i = 0; i < nv; i++) c.zero().set(acc(i));
  span(0, false, PH);
  c.set(Y);
  span(1, false, PH);
  c.set(Y1);
  c.get(Y).get(Y1).emit(op.i32LtS, op.if, op.emptyBlock);
  c.emit(op.loop, op.emptyBlock);
  for (let i = 0; i < nv; i++) c.zero().set(line(i));
  // Columns x0 <= x < x1 of bin pw: the weight pointer and the pixel address walk along the row.
  span(2, false, PW);
  c.set(A);
  span(2, true, PW);
  c.set(X1);
  c.get(A).get(X1).emit(op.i32LtS, op.if, op.emptyBlock);
  c.get(COLW).get(PW).get(WB).emit(op.i32Mul, op.i32Add).get(A).i32(4).emit(op.i32Mul, op.i32Add).set(CW);
  c.get(X1).get(A).emit(op.i32Sub).set(X1);
  c.get(IMG).get(Y).get(ROWB).emit(op.i32Mul, op.i32Add).get(A).get(PIX).emit(op.i32Mul, op.i32Add).set(RB);
  c.emit(op.loop, op.emptyBlock);
  c.get(CW)
    .simd(simd.load32Splat, ...memarg(2))
    .set(splat);
  for (let i = 0; i < nv; i++) madd(line(i), () => c.get(RB).simd(simd.load, ...memarg(0, 16 * i)));
  c.bump(CW, 4).bump(RB, { local: PIX }).bump(X1, -1);
  c.get(X1).emit(op.brIf, 0, op.end);
  c.emit(op.end);
  c.get(ROWW).get(PH).get(HB).emit(op.i32Mul, op.i32Add).get(Y).i32(4).emit(op.i32Mul, op.i32Add);
  c.simd(simd.load32Splat, ...memarg(2)).set(splat);
  for (let i = 0; i < nv; i++) madd(acc(i), () => c.get(line(i)));
  c.bump(Y, 1);
  c.get(Y).get(Y1).emit(op.i32LtS, op.brIf, 0, op.end);
  c.emit(op.end);

  c.get(INV).simd(simd.f32x4Splat).set(splat);
  c.get(BIN).set(A);
  for (let i = 0; i < nv; i++) {
    c.get(acc(i)).get(splat).simd(simd.f32x4Mul).set(acc(i));
    for (let lane = 0; lane < 4; lane++) {
      c.get(A)
        .get(acc(i))
        .simd(simd.store32Lane, ...memarg(2), lane);
      c.bump(A, { local: PLANE });
    }
  }
  c.bump(BIN, 4).bump(PW, 1);
  c.get(PW).get(OW).emit(op.i32LtS, op.brIf, 0, op.end);
  c.bump(PH, 1);
  c.get(PH).get(OH).emit(op.i32LtS, op.brIf, 0, op.end);

  c.bump(IMG, 16 * nv);
  c.get(OUT)
    .get(PLANE)
    .i32(4 * nv)
    .emit(op.i32Mul, op.i32Add)
    .set(OUT);
  c.bump(BLOCKS, -1);
  c.get(BLOCKS).emit(op.brIf, 0, op.end);
  return {
    name: roiAlignName(nv),
    params: [...i32s(PARAMS - 1), F32],
    locals: { i32: I32_LOCALS, v128: 2 * nv + 1 },
    body: c,
  };
}

/** Blocks of ROI_ALIGN_BLOCK vectors, and single vectors for the channels after the last whole block. */
export const roiAlignFunctions = (): FunctionDef[] => [
  roiAlignFunction(ROI_ALIGN_BLOCK),
  roiAlignFunction(1),
];

import { F32, op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

/**
 * RoIAlign's forward and backward for one RoI over a channels-last map: a bin's value for a vector of
 * channels is sum_y rowW[y] sum_x colW[x] map[y, x, :], the separable bilinear weights of
 * roi-align-weights.ts (zero outside each bin's span), so the channels of a pixel are one contiguous load.
 */

/** Channel vectors held per pass (accumulator and line per vector, plus a splat, within 16 xmm). */
export const ROI_ALIGN_BLOCK = 4;

export const roiAlignName = (vectors: number, backward: boolean): string =>
  `${backward ? 'roiAlignGrad' : 'roiAlign'}_${vectors}`;

// Parameters (i32 but the last), addresses and strides in bytes.
const [IMG, ROWW, COLW, SPANS, OH, OW, HB, WB, ROWB, PIX, BLOCKS, OUT, PLANE, INV] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
];
const PARAMS = 14;
const [PH, PW, Y, Y1, X1, A, CW, RB, BIN] = [14, 15, 16, 17, 18, 19, 20, 21, 22];
const I32_LOCALS = 9;

/** Pushes the i32 at spans[oh * table + (ow if afterOw) + index]. */
function span(c: Code, table: number, afterOw: boolean, index: number): void {
  c.get(SPANS).get(OH).i32(table).emit(op.i32Mul);
  if (afterOw) c.get(OW).emit(op.i32Add);
  c.get(index)
    .emit(op.i32Add)
    .i32(4)
    .emit(op.i32Mul, op.i32Add, op.i32Load, ...memarg(2));
}

/**
 * For each of `blocks` runs of nv channel vectors, each bin (ph, pw): `bin()` with BIN at the bin's first
 * channel in the pooled buffer (OUT); then IMG moves on by nv vectors and OUT by 4 nv planes.
 */
function binLoops(c: Code, nv: number, bin: () => void): void {
  c.emit(op.loop, op.emptyBlock);
  c.get(OUT).set(BIN);
  c.i32(0).set(PH);
  c.emit(op.loop, op.emptyBlock);
  c.i32(0).set(PW);
  c.emit(op.loop, op.emptyBlock);
  bin();
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
}

/**
 * The taps of bin (PH, PW): for each row y of its span `row()` (Y set), then for each column x `tap()` with
 * CW at colW's weight of x and RB at the map's pixel (y, x), then `rowEnd()`.
 */
function tapLoops(c: Code, row: () => void, tap: () => void, rowEnd: () => void): void {
  span(c, 0, false, PH);
  c.set(Y);
  span(c, 1, false, PH);
  c.set(Y1);
  c.get(Y).get(Y1).emit(op.i32LtS, op.if, op.emptyBlock);
  c.emit(op.loop, op.emptyBlock);
  row();
  // Columns x0 <= x < x1 of bin pw: the weight pointer and the pixel address walk along the row.
  span(c, 2, false, PW);
  c.set(A);
  span(c, 2, true, PW);
  c.set(X1);
  c.get(A).get(X1).emit(op.i32LtS, op.if, op.emptyBlock);
  c.get(COLW).get(PW).get(WB).emit(op.i32Mul, op.i32Add).get(A).i32(4).emit(op.i32Mul, op.i32Add).set(CW);
  c.get(X1).get(A).emit(op.i32Sub).set(X1);
  c.get(IMG).get(Y).get(ROWB).emit(op.i32Mul, op.i32Add).get(A).get(PIX).emit(op.i32Mul, op.i32Add).set(RB);
  c.emit(op.loop, op.emptyBlock);
  tap();
  c.bump(CW, 4).bump(RB, { local: PIX }).bump(X1, -1);
  c.get(X1).emit(op.brIf, 0, op.end);
  c.emit(op.end);
  rowEnd();
  c.bump(Y, 1);
  c.get(Y).get(Y1).emit(op.i32LtS, op.brIf, 0, op.end);
  c.emit(op.end);
}

/** Pushes the row weight of (PH, Y): the f32 at rowW + ph hb + 4 y. */
function rowWeight(c: Code): void {
  c.get(ROWW).get(PH).get(HB).emit(op.i32Mul, op.i32Add).get(Y).i32(4).emit(op.i32Mul, op.i32Add);
  c.emit(op.f32Load, ...memarg(2));
}

const signature = (
  nv: number,
  backward: boolean,
  f32Locals: number,
  v128Locals: number,
): Omit<FunctionDef, 'body'> => ({
  name: roiAlignName(nv, backward),
  params: [...i32s(PARAMS - 1), F32],
  locals: { i32: I32_LOCALS, f32: f32Locals, v128: v128Locals },
});

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
  /** into += splat * from (from pushes one vector). */
  const madd = (into: number, from: () => void) => {
    c.get(into).get(splat);
    from();
    c.simd(simd.f32x4Mul).simd(simd.f32x4Add).set(into);
  };
  binLoops(c, nv, () => {
    for (let i = 0; i < nv; i++) c.zero().set(acc(i));
    tapLoops(
      c,
      () => {
        for (let i = 0; i < nv; i++) c.zero().set(line(i));
      },
      () => {
        c.get(CW)
          .simd(simd.load32Splat, ...memarg(2))
          .set(splat);
        for (let i = 0; i < nv; i++) madd(line(i), () => c.get(RB).simd(simd.load, ...memarg(0, 16 * i)));
      },
      () => {
        rowWeight(c);
        c.simd(simd.f32x4Splat).set(splat);
        for (let i = 0; i < nv; i++) madd(acc(i), () => c.get(line(i)));
      },
    );
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
  });
  return { ...signature(nv, false, 0, 2 * nv + 1), body: c };
}

/**
 * `roiAlignGrad_<nv>(dx, rowW, colW, spans, oh, ow, hb, wb, rowb, pix, blocks, g, plane, inv)`: the adjoint
 * of roiAlign_<nv> over the same weights: each bin's gradient (channels `plane` bytes apart in g, times
 * `inv`) is added to the channels-last dx at every tap, weighted by rowW[y] colW[x]. Callers give each
 * thread its own channels, so no two threads add to one value.
 */
export function roiAlignGradFunction(nv: number): FunctionDef {
  const ry = PARAMS + I32_LOCALS;
  const v0 = ry + 1;
  const grad = (i: number) => v0 + i;
  const splat = v0 + nv;
  const c = new Code();
  binLoops(c, nv, () => {
    c.get(BIN).set(A);
    c.get(INV).simd(simd.f32x4Splat).set(splat);
    for (let i = 0; i < nv; i++) {
      c.get(A)
        .simd(simd.load32Splat, ...memarg(2))
        .set(grad(i));
      for (let lane = 1; lane < 4; lane++) {
        c.bump(A, { local: PLANE });
        c.get(grad(i))
          .get(A)
          .emit(op.f32Load, ...memarg(2))
          .simd(simd.f32x4ReplaceLane, lane)
          .set(grad(i));
      }
      c.bump(A, { local: PLANE });
      c.get(grad(i)).get(splat).simd(simd.f32x4Mul).set(grad(i));
    }
    tapLoops(
      c,
      () => {
        rowWeight(c);
        c.set(ry);
      },
      () => {
        c.get(ry)
          .get(CW)
          .emit(op.f32Load, ...memarg(2), op.f32Mul)
          .simd(simd.f32x4Splat)
          .set(splat);
        for (let i = 0; i < nv; i++) {
          c.get(RB)
            .get(RB)
            .simd(simd.load, ...memarg(0, 16 * i))
            .get(splat)
            .get(grad(i))
            .simd(simd.f32x4Mul)
            .simd(simd.f32x4Add)
            .simd(simd.store, ...memarg(0, 16 * i));
        }
      },
      () => {},
    );
  });
  return { ...signature(nv, true, 1, nv + 1), body: c };
}

/** Blocks of ROI_ALIGN_BLOCK vectors, and single vectors for the channels after the last whole block. */
export const roiAlignFunctions = (): FunctionDef[] =>
  [ROI_ALIGN_BLOCK, 1].flatMap((nv) => [roiAlignFunction(nv), roiAlignGradFunction(nv)]);

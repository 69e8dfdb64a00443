import { op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

/**
 * addStrided(src, dst, planes, rows, cols, srcPlane, srcRow, dstPlane, dstRow, dstStep), strides in bytes:
 * dst[p, r, q] += src[p, r, q] over planes x rows x cols, src's columns contiguous and dst's dstStep
 * apart (f32x4 when dstStep is 4). One tap of col2im: a block of a tap-major patch matrix added into
 * the image rows it was read from. planes and rows at least 1.
 */
function addStrided(): FunctionDef {
  const [SRC, DST, PLANES, ROWS, COLS, SRC_PLANE, SRC_ROW, DST_PLANE, DST_ROW, DST_STEP] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [S, D, SP, DP, Q, R] = [10, 11, 12, 13, 14, 15];
  const c = new Code();
  const whileAtLeast = (min: number, body: () => void) => {
    c.emit(op.block, op.emptyBlock, op.loop, op.emptyBlock);
    c.get(Q).i32(min).emit(op.i32LtS, op.brIf, 1);
    body();
    c.bump(Q, -min);
    c.emit(op.br, 0, op.end, op.end);
  };
  c.emit(op.loop, op.emptyBlock);
  c.get(SRC).set(S).get(DST).set(D).get(ROWS).set(R);
  c.emit(op.loop, op.emptyBlock);
  c.get(S).set(SP).get(D).set(DP).get(COLS).set(Q);
  c.get(DST_STEP).i32(4).emit(op.i32Sub, op.i32Eqz, op.if, op.emptyBlock);
  whileAtLeast(4, () => {
    c.get(DP)
      .get(DP)
      .simd(simd.load, ...memarg(0))
      .get(SP)
      .simd(simd.load, ...memarg(0))
      .simd(simd.f32x4Add)
      .simd(simd.store, ...memarg(0));
    c.bump(SP, 16).bump(DP, 16);
  });
  c.emit(op.end);
  whileAtLeast(1, () => {
    c.get(DP)
      .get(DP)
      .emit(op.f32Load, ...memarg(2))
      .get(SP)
      .emit(op.f32Load, ...memarg(2), op.f32Add, op.f32Store, ...memarg(2));
    c.bump(SP, 4).bump(DP, { local: DST_STEP });
  });
  c.bump(S, { local: SRC_ROW }).bump(D, { local: DST_ROW });
  c.bump(R, -1).get(R).emit(op.brIf, 0, op.end);
  c.bump(SRC, { local: SRC_PLANE }).bump(DST, { local: DST_PLANE });
  c.bump(PLANES, -1).get(PLANES).emit(op.brIf, 0, op.end);
  return { name: 'addStrided', params: i32s(10), locals: { i32: 6 }, body: c };
}

export const scatterFunctions = (): FunctionDef[] => [addStrided()];

import { F32, op, simd } from '../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../wasm/writer.js';

/**
 * Packing routines run inside WebAssembly on operands first copied (memcpy) into the shared memory:
 * element loads and stores there cost a fraction of what typed-array element access costs in JS.
 * Pointers and strides are in bytes; loops run at least once, callers pass counts >= 1.
 */

const f32Arg = memarg(2);
const decrementAndLoop = (body: Code, counter: number) =>
  body.get(counter).i32(1).emit(op.i32Sub).emit(op.localTee, counter).emit(op.brIf, 0);

/** packRows(src, srcStride, rows, panels, dst, panelStride, alpha): row p of 8-wide panels, times alpha. */
function packRows(): FunctionDef {
  const [src, srcStride, rows, panels, dst, panelStride, alpha] = [0, 1, 2, 3, 4, 5, 6];
  const [p, q, s, d, rowS, rowD, scale] = [7, 8, 9, 10, 11, 12, 13];
  const body = new Code();
  body.get(alpha).simd(simd.f32x4Splat).set(scale);
  body.get(src).set(rowS).get(dst).set(rowD).get(rows).set(p);
  body.emit(op.loop, op.emptyBlock);
  body.get(rowS).set(s).get(rowD).set(d).get(panels).set(q);
  body.emit(op.loop, op.emptyBlock);
  for (const offset of [0, 16]) {
    body
      .get(d)
      .get(s)
      .simd(simd.load, ...memarg(4, offset))
      .get(scale)
      .simd(simd.f32x4Mul);
    body.simd(simd.store, ...memarg(4, offset));
  }
  body.bump(s, 32).get(d).get(panelStride).emit(op.i32Add).set(d);
  decrementAndLoop(body, q).emit(op.end);
  body.get(rowS).get(srcStride).emit(op.i32Add).set(rowS).bump(rowD, 32);
  decrementAndLoop(body, p).emit(op.end);
  return {
    name: 'packRows',
    params: [...i32s(6), F32],
    locals: { i32: 6, v128: 1 },
    body,
  };
}

/** packCols(src, srcStride, k, dst, alpha): 8 staged rows of k values (op(B) columns) into a k x 8 panel. */
function packCols(): FunctionDef {
  const [src, srcStride, k, dst, alpha] = [0, 1, 2, 3, 4];
  const row = (jj: number) => 5 + jj;
  const [d, p] = [13, 14];
  const body = new Code();
  body.get(src).set(row(0));
  for (let jj = 1; jj < 8; jj++)
    body
      .get(row(jj - 1))
      .get(srcStride)
      .emit(op.i32Add)
      .set(row(jj));
  body.get(dst).set(d).get(k).set(p);
  body.emit(op.loop, op.emptyBlock);
  for (let jj = 0; jj < 8; jj++) {
    body
      .get(d)
      .get(row(jj))
      .emit(op.f32Load, ...f32Arg)
      .get(alpha)
      .emit(op.f32Mul);
    body.emit(op.f32Store, ...memarg(2, jj * 4));
  }
  for (let jj = 0; jj < 8; jj++) body.bump(row(jj), 4);
  body.bump(d, 32);
  decrementAndLoop(body, p).emit(op.end);
  return { name: 'packCols', params: [...i32s(4), F32], locals: { i32: 10 }, body };
}

/** packA(src, srcStride, panels, kc, dst): staged rows of op(A) into mr-row panels. */
function packA(mr: number): FunctionDef {
  const [src, srcStride, panels, kc, dst] = [0, 1, 2, 3, 4];
  const [rowBase, r, p, d] = [5, 6, 7, 8];
  const row = (ii: number) => 9 + ii;
  const body = new Code();
  body.get(src).set(rowBase).get(dst).set(d).get(panels).set(r);
  body.emit(op.loop, op.emptyBlock);
  body.get(rowBase).set(row(0));
  for (let ii = 1; ii < mr; ii++)
    body
      .get(row(ii - 1))
      .get(srcStride)
      .emit(op.i32Add)
      .set(row(ii));
  body.get(kc).set(p);
  body.emit(op.loop, op.emptyBlock);
  for (let ii = 0; ii < mr; ii++) {
    body
      .get(d)
      .get(row(ii))
      .emit(op.f32Load, ...f32Arg)
      .emit(op.f32Store, ...memarg(2, ii * 4));
  }
  for (let ii = 0; ii < mr; ii++) body.bump(row(ii), 4);
  body.bump(d, mr * 4);
  decrementAndLoop(body, p).emit(op.end);
  body.get(rowBase).get(srcStride).i32(mr).emit(op.i32Mul).emit(op.i32Add).set(rowBase);
  decrementAndLoop(body, r).emit(op.end);
  return { name: 'packA', params: i32s(5), locals: { i32: 4 + mr }, body };
}

/** packAT(src, srcStride, panels, kc, dst): staged rows of A (columns of op(A)) into mr-row panels. */
function packAT(mr: number): FunctionDef {
  const [src, srcStride, panels, kc, dst] = [0, 1, 2, 3, 4];
  const [colBase, r, p, d, s] = [5, 6, 7, 8, 9];
  const body = new Code();
  body.get(src).set(colBase).get(dst).set(d).get(panels).set(r);
  body.emit(op.loop, op.emptyBlock);
  body.get(colBase).set(s).get(kc).set(p);
  body.emit(op.loop, op.emptyBlock);
  for (let ii = 0; ii < mr; ii++) {
    body
      .get(d)
      .get(s)
      .emit(op.f32Load, ...memarg(2, ii * 4))
      .emit(op.f32Store, ...memarg(2, ii * 4));
  }
  body
    .get(s)
    .get(srcStride)
    .emit(op.i32Add)
    .set(s)
    .bump(d, mr * 4);
  decrementAndLoop(body, p).emit(op.end);
  body.bump(colBase, mr * 4);
  decrementAndLoop(body, r).emit(op.end);
  return { name: 'packAT', params: i32s(5), locals: { i32: 5 }, body };
}

/** copyBlock(src, srcStride, rows, cols, dst, dstStride, scale): dst = scale * src on a rows x cols block. */
function copyBlock(): FunctionDef {
  const [src, srcStride, rows, cols, dst, dstStride, scale] = [0, 1, 2, 3, 4, 5, 6];
  const [r, j, s, d, sRow, dRow] = [7, 8, 9, 10, 11, 12];
  const body = new Code();
  body.get(src).set(sRow).get(dst).set(dRow).get(rows).set(r);
  body.emit(op.loop, op.emptyBlock);
  body.get(sRow).set(s).get(dRow).set(d).get(cols).set(j);
  body.emit(op.loop, op.emptyBlock);
  body
    .get(d)
    .get(s)
    .emit(op.f32Load, ...f32Arg)
    .get(scale)
    .emit(op.f32Mul)
    .emit(op.f32Store, ...f32Arg);
  body.bump(s, 4).bump(d, 4);
  decrementAndLoop(body, j).emit(op.end);
  body.get(sRow).get(srcStride).emit(op.i32Add).set(sRow).get(dRow).get(dstStride).emit(op.i32Add).set(dRow);
  decrementAndLoop(body, r).emit(op.end);
  return { name: 'copyBlock', params: [...i32s(6), F32], locals: { i32: 6 }, body };
}

export function packFunctions(mr: number): FunctionDef[] {
  return [packRows(), packCols(), packA(mr), packAT(mr), copyBlock()];
}

import { MAX_PAGES } from '../wasm/api.js';
import { op, simd } from '../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg, moduleBytes } from '../wasm/writer.js';
import { gemvFunction } from './gemv-kernel.js';
import { packFunctions } from './simd-pack.js';

export interface SimdShape {
  /** Rows of the register block (broadcast A values). */
  mr: number;
  /** Columns of the register block, a multiple of 4 (f32x4 lanes). */
  nr: number;
  /** Use f32x4.relaxed_madd (one FMA) instead of mul + add. */
  relaxed: boolean;
}

/**
 * `block(a, b, c, kc, mPanels, nPanels, bStride, ldc, first, lda)`, in bytes: for each B micro-panel
 * (kc x nr, nPanels of them, bStride apart) and each A micro-panel (kc x mr, contiguous), the mr x nr
 * block of the row-major C tile (row stride ldc) gets += A_panel * B_panel, or = when `first` is non-zero.
 * `blockRows` reads A unpacked instead, as rows lda bytes apart (XNNPACK's row pointers): no A packing,
 * a few more adds per step, which pays when few B panels share each A panel.
 */
function blockFunction(shape: SimdShape, rowsA: boolean): FunctionDef {
  const { mr, nr, relaxed } = shape;
  const nv = nr / 4;
  const [a, b, c, kc, mPanels, nPanels, bStride, ldc, first, lda] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [j, i, ap, bp, cp, k, bCur, cCol, row, step] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const rowOffset = (r: number) => 19 + r;
  const firstV128 = 20 + mr;
  const acc = (r: number, v: number) => firstV128 + r * nv + v;
  const bv = (v: number) => firstV128 + mr * nv + v;
  const av = firstV128 + mr * nv + nv;
  const body = new Code();
  const rowPointer = (r: number) => {
    body.get(cp);
    if (r > 0) body.get(ldc).i32(r).emit(op.i32Mul).emit(op.i32Add);
    return body.set(row);
  };

  if (rowsA) {
    for (let r = 1; r < mr; r++) body.get(lda).i32(r).emit(op.i32Mul).set(rowOffset(r));
    body.get(lda).i32(mr).emit(op.i32Mul).get(kc).i32(4).emit(op.i32Mul).emit(op.i32Sub).set(step);
  }
  body.get(nPanels).set(j).get(b).set(bCur).get(c).set(cCol);
  body.emit(op.loop, op.emptyBlock);
  body.get(mPanels).set(i).get(a).set(ap).get(cCol).set(cp);
  body.emit(op.loop, op.emptyBlock);
  body.get(first).emit(op.if, op.emptyBlock);
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nv; v++) body.zero().set(acc(r, v));
  }
  body.emit(op.else);
  for (let r = 0; r < mr; r++) {
    rowPointer(r);
    for (let v = 0; v < nv; v++) {
      body
        .get(row)
        .simd(simd.load, ...memarg(4, v * 16))
        .set(acc(r, v));
    }
  }
  body.emit(op.end);
  body.get(bCur).set(bp).get(kc).set(k);
  body.emit(op.loop, op.emptyBlock);
  for (let v = 0; v < nv; v++)
    body
      .get(bp)
      .simd(simd.load, ...memarg(4, v * 16))
      .set(bv(v));
  for (let r = 0; r < mr; r++) {
    body.get(ap);
    if (rowsA && r > 0) body.get(rowOffset(r)).emit(op.i32Add);
    body.simd(simd.load32Splat, ...memarg(2, rowsA ? 0 : r * 4)).set(av);
    for (let v = 0; v < nv; v++) {
      if (relaxed) {
        body.get(av).get(bv(v)).get(acc(r, v)).simd(simd.f32x4RelaxedMadd).set(acc(r, v));
      } else {
        body.get(av).get(bv(v)).simd(simd.f32x4Mul).get(acc(r, v)).simd(simd.f32x4Add).set(acc(r, v));
      }
    }
  }
  body.bump(bp, nr * 4).bump(ap, rowsA ? 4 : mr * 4);
  body.get(k).i32(1).emit(op.i32Sub).emit(op.localTee, k).emit(op.brIf, 0);
  body.emit(op.end);
  if (rowsA) body.get(ap).get(step).emit(op.i32Add).set(ap);
  for (let r = 0; r < mr; r++) {
    rowPointer(r);
    for (let v = 0; v < nv; v++)
      body
        .get(row)
        .get(acc(r, v))
        .simd(simd.store, ...memarg(4, v * 16));
  }
  body.get(cp).get(ldc).i32(mr).emit(op.i32Mul).emit(op.i32Add).set(cp);
  body.get(i).i32(1).emit(op.i32Sub).emit(op.localTee, i).emit(op.brIf, 0);
  body.emit(op.end);
  body.get(bCur).get(bStride).emit(op.i32Add).set(bCur);
  body.bump(cCol, nr * 4);
  body.get(j).i32(1).emit(op.i32Sub).emit(op.localTee, j).emit(op.brIf, 0);
  body.emit(op.end);

  const locals = { i32: 10 + mr, v128: mr * nv + nv + 1 };
  return { name: rowsA ? 'blockRows' : 'block', params: i32s(10), locals, body };
}

export function simdKernelBytes(shape: SimdShape): Uint8Array {
  const kernels = [blockFunction(shape, false), blockFunction(shape, true)];
  return moduleBytes([...kernels, ...packFunctions(shape.mr), gemvFunction(shape.relaxed)], MAX_PAGES);
}

import { bulk, op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

// Staging passes of the direct convolution, inside WebAssembly memory: zero padding, and the gradient's
// ReLU mask, channel sums (the bias gradient) and position-major copy (the weight gradient's B) in one pass.

/**
 * padPlanes(src, dst, planes, h, w, top, left, hp, wp): dst = planes of hp x wp zeros with the h x w
 * planes of src copied in at (top, left).
 */
function padPlanes(): FunctionDef {
  const [SRC, DST, PLANES, H, W, TOP, LEFT, HP, WP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [D, Y, ROW_BYTES] = [9, 10, 11];
  const c = new Code();
  const bytes = (...locals: number[]) => {
    c.get(locals[0]!);
    for (const l of locals.slice(1)) c.get(l).emit(op.i32Mul);
    return c.i32(4).emit(op.i32Mul);
  };
  c.get(DST).i32(0);
  bytes(PLANES, HP, WP).bulk(bulk.memoryFill);
  c.get(DST);
  c.get(TOP).get(WP).emit(op.i32Mul).get(LEFT).emit(op.i32Add).i32(4).emit(op.i32Mul, op.i32Add).set(D);
  bytes(W).set(ROW_BYTES);
  c.emit(op.loop, op.emptyBlock);
  c.get(H).set(Y);
  c.emit(op.loop, op.emptyBlock);
  c.get(D).get(SRC).get(ROW_BYTES).bulk(bulk.memoryCopy);
  c.bump(SRC, { local: ROW_BYTES });
  c.get(D).get(WP).i32(4).emit(op.i32Mul, op.i32Add).set(D);
  c.bump(Y, -1).get(Y).emit(op.brIf, 0, op.end);
  // Past the bottom padding of this plane and the top padding of the next.
  c.get(D);
  c.get(HP).get(H).emit(op.i32Sub).get(WP).emit(op.i32Mul).i32(4).emit(op.i32Mul, op.i32Add).set(D);
  c.bump(PLANES, -1).get(PLANES).emit(op.brIf, 0, op.end);
  return { name: 'padPlanes', params: i32s(9), locals: { i32: 3 }, body: c };
}

/**
 * gradRows(g, y, mask, n, f, plane, fp, gT, sums) over g [n, f, plane]: with `mask` non-zero first
 * g = y > 0 ? g : 0 in place (the gradient through a ReLU whose output is y); then gT [n * plane, fp]
 * position-major gets every value and sums[f] (float64, added to) each channel's total.
 */
function gradRows(): FunctionDef {
  const [G, Y, MASK, N, F, PLANE, FP, GT, SUMS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [B, CH, DST, I, STEP] = [9, 10, 11, 12, 13];
  const [S, TAIL] = [14, 15];
  const [V, ACC0, ACC1] = [16, 17, 18];
  const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
  const c = new Code();
  c.get(FP).i32(4).emit(op.i32Mul).set(STEP);
  c.i32(0).set(B);
  c.emit(op.loop, op.emptyBlock);
  c.i32(0).set(CH);
  c.emit(op.loop, op.emptyBlock);
  // dst = gT + (b * plane * fp + ch) * 4
  c.get(GT).get(B).get(PLANE).emit(op.i32Mul).get(FP).emit(op.i32Mul).get(CH).emit(op.i32Add);
  c.i32(4).emit(op.i32Mul, op.i32Add).set(DST);
  c.zero().set(ACC0).zero().set(ACC1);
  c.emit(op.f32Const, 0, 0, 0, 0, op.f64PromoteF32).set(TAIL);
  c.get(PLANE).set(I);
  // Four positions at a time.
  c.emit(op.block, op.emptyBlock, op.loop, op.emptyBlock);
  c.get(I).i32(4).emit(op.i32LtS, op.brIf, 1);
  c.get(G)
    .simd(simd.load, ...memarg(0))
    .set(V);
  c.get(MASK).emit(op.if, op.emptyBlock);
  c.get(V)
    .get(Y)
    .simd(simd.load, ...memarg(0))
    .zero()
    .simd(simd.f32x4Gt)
    .simd(simd.v128And)
    .set(V);
  c.get(G)
    .get(V)
    .simd(simd.store, ...memarg(0));
  c.emit(op.end);
  c.get(ACC0).get(V).simd(simd.f64x2PromoteLowF32x4).simd(simd.f64x2Add).set(ACC0);
  c.get(ACC1)
    .get(V)
    .get(V)
    .simd(simd.shuffle, ...HIGH)
    .simd(simd.f64x2PromoteLowF32x4);
  c.simd(simd.f64x2Add).set(ACC1);
  for (let lane = 0; lane < 4; lane++) {
    c.get(DST)
      .get(V)
      .simd(simd.store32Lane, ...memarg(0), lane);
    c.bump(DST, { local: STEP });
  }
  c.bump(G, 16).bump(Y, 16).bump(I, -4);
  c.emit(op.br, 0, op.end, op.end);
  // The rest one by one.
  c.emit(op.block, op.emptyBlock, op.loop, op.emptyBlock);
  c.get(I).i32(1).emit(op.i32LtS, op.brIf, 1);
  c.get(G)
    .emit(op.f32Load, ...memarg(2))
    .set(S);
  c.get(MASK).emit(op.if, op.emptyBlock);
  c.get(S)
    .emit(op.f32Const, 0, 0, 0, 0)
    .get(Y)
    .emit(op.f32Load, ...memarg(2), op.f32Const, 0, 0, 0, 0);
  c.emit(op.f32Gt, op.select).set(S);
  c.get(G)
    .get(S)
    .emit(op.f32Store, ...memarg(2));
  c.emit(op.end);
  c.get(DST)
    .get(S)
    .emit(op.f32Store, ...memarg(2));
  c.bump(DST, { local: STEP });
  c.get(TAIL).get(S).emit(op.f64PromoteF32, op.f64Add).set(TAIL);
  c.bump(G, 4).bump(Y, 4).bump(I, -1);
  c.emit(op.br, 0, op.end, op.end);
  // sums[ch] += the four float64 lanes + the tail
  c.get(SUMS).get(CH).i32(8).emit(op.i32Mul, op.i32Add).set(DST);
  c.get(DST)
    .get(DST)
    .emit(op.f64Load, ...memarg(3));
  for (const acc of [ACC0, ACC1]) {
    for (const lane of [0, 1]) c.get(acc).simd(simd.f64x2ExtractLane, lane).emit(op.f64Add);
  }
  c.get(TAIL).emit(op.f64Add, op.f64Store, ...memarg(3));
  c.bump(CH, 1).get(CH).get(F).emit(op.i32LtS, op.brIf, 0, op.end);
  c.bump(B, 1).get(B).get(N).emit(op.i32LtS, op.brIf, 0, op.end);
  return { name: 'gradRows', params: i32s(9), locals: { i32: 5, f32: 1, f64: 1, v128: 3 }, body: c };
}

export const stageFunctions = (): FunctionDef[] => [padPlanes(), gradRows()];

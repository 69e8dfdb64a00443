import { op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

// Elementwise ReLU and its gradient mask over whole f32x4 vectors (callers round counts up to 4).

/** relu(src, dst, vectors): dst = x > 0 ? x : 0 (pmax(0, x), which maps NaN to 0 like the JS relu). */
function relu(): FunctionDef {
  const [SRC, DST, N] = [0, 1, 2];
  const c = new Code();
  c.emit(op.loop, op.emptyBlock);
  c.get(DST)
    .zero()
    .get(SRC)
    .simd(simd.load, ...memarg(0))
    .simd(simd.f32x4Pmax)
    .simd(simd.store, ...memarg(0));
  c.bump(SRC, 16).bump(DST, 16).bump(N, -1).get(N).emit(op.brIf, 0, op.end);
  return { name: 'relu', params: i32s(3), locals: {}, body: c };
}

/** reluMask(g, y, dst, vectors): dst = y > 0 ? g : 0, the gradient through a ReLU whose output (or input) is y. */
function reluMask(): FunctionDef {
  const [G, Y, DST, N] = [0, 1, 2, 3];
  const c = new Code();
  c.emit(op.loop, op.emptyBlock);
  c.get(DST)
    .get(G)
    .simd(simd.load, ...memarg(0));
  c.get(Y)
    .simd(simd.load, ...memarg(0))
    .zero()
    .simd(simd.f32x4Gt);
  c.simd(simd.v128And).simd(simd.store, ...memarg(0));
  c.bump(G, 16).bump(Y, 16).bump(DST, 16).bump(N, -1).get(N).emit(op.brIf, 0, op.end);
  return { name: 'reluMask', params: i32s(4), locals: {}, body: c };
}

export const reluFunctions = (): FunctionDef[] => [relu(), reluMask()];

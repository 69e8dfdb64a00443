import { op, simd } from '../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../wasm/writer.js';

const f32Arg = memarg(2);

/**
 * `gemvRows(w, ldw, x, k, n, y)`, in bytes: y[j] = sum over p < k of w[j ldw + p] x[p] for each j < n,
 * eight products a step in two f32x4 accumulators, the last k mod 8 one by one. One row of A times B^T
 * (a batch-1 linear layer) needs nothing else: no packing, no register block mostly left empty.
 * k and n must be at least 1.
 */
export function gemvFunction(relaxed: boolean): FunctionDef {
  const [w, ldw, x, k, n, y] = [0, 1, 2, 3, 4, 5];
  const [j, p, wp, xp] = [6, 7, 8, 9];
  const sum = 10;
  const acc = [11, 12] as const;
  const c = new Code();
  c.get(n).set(j);
  c.emit(op.loop, op.emptyBlock);
  c.zero().set(acc[0]).zero().set(acc[1]);
  c.get(w).set(wp).get(x).set(xp).get(k).set(p);
  c.emit(op.block, op.emptyBlock);
  c.get(p).i32(8).emit(op.i32LtS, op.brIf, 0);
  c.emit(op.loop, op.emptyBlock);
  for (const [v, a] of acc.entries()) {
    const operands = () =>
      c
        .get(wp)
        .simd(simd.load, ...memarg(0, 16 * v))
        .get(xp)
        .simd(simd.load, ...memarg(0, 16 * v));
    if (relaxed) operands().get(a).simd(simd.f32x4RelaxedMadd);
    else operands().simd(simd.f32x4Mul).get(a).simd(simd.f32x4Add);
    c.set(a);
  }
  c.bump(wp, 32).bump(xp, 32).bump(p, -8);
  c.get(p).i32(8).emit(op.i32GeS, op.brIf, 0);
  c.emit(op.end, op.end);
  c.get(acc[0]).get(acc[1]).simd(simd.f32x4Add).set(acc[0]);
  c.get(acc[0]).simd(simd.f32x4ExtractLane, 0);
  for (let lane = 1; lane < 4; lane++) c.get(acc[0]).simd(simd.f32x4ExtractLane, lane).emit(op.f32Add);
  c.set(sum);
  c.emit(op.block, op.emptyBlock);
  c.get(p).emit(op.i32Eqz, op.brIf, 0);
  c.emit(op.loop, op.emptyBlock);
  c.get(sum)
    .get(wp)
    .emit(op.f32Load, ...f32Arg)
    .get(xp)
    .emit(op.f32Load, ...f32Arg)
    .emit(op.f32Mul, op.f32Add)
    .set(sum);
  c.bump(wp, 4).bump(xp, 4);
  c.get(p).i32(1).emit(op.i32Sub, op.localTee, p, op.brIf, 0);
  c.emit(op.end, op.end);
  c.get(y)
    .get(sum)
    .emit(op.f32Store, ...f32Arg);
  c.bump(y, 4).bump(w, { local: ldw });
  c.get(j).i32(1).emit(op.i32Sub, op.localTee, j, op.brIf, 0);
  c.emit(op.end);
  return { name: 'gemvRows', params: i32s(6), locals: { i32: 4, f32: 1, v128: 2 }, body: c };
}

import { op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

/**
 * An indirect GEMM (XNNPACK's indirection buffers): C(i, f) = sum over k of A(i, k) B(k, f) where
 * A(i, k) = src[rows[i] + cols[k]] is read through two offset tables, so a convolution's patch matrix is
 * never materialised. Forward: i a position, k a tap. Weight gradient: i a tap, k a position.
 */
export interface IgemmShape {
  /** f32x4 vectors of output channels held per row (4 nv channels). */
  nv: number;
  /** Rows of the register block. */
  mr: number;
}

export const FLAG_BIAS = 1;
export const FLAG_RELU = 2;

/** Rows per register block for each nv: mr * nv accumulators + nv B vectors + 1 splat within 16 xmm. */
export const BLOCK_ROWS: Readonly<Record<number, number>> = { 1: 8, 2: 6 };

export const igemmName = ({ nv, mr }: IgemmShape): string => `igemm_${nv}x${mr}`;

// Parameters, all i32, addresses and strides in bytes.
const [SRC, ROWS, COUNT, COLS, K, B, LDB, CBASE, COFF, FSTRIDE, NF, BIAS, FLAGS] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
];
const PARAMS = 13;
const [KK, CP, BP, OFF, OUT] = [13, 14, 15, 16, 17];
const FIRST_ROW_PTR = 18;

/**
 * `igemm_<nv>x<mr>(src, rows, count, cols, k, b, ldb, cbase, cOff, fStride, nf, bias, flags)`: `count`
 * blocks of mr rows. Row i reads A at src + rows[i]; B row k is 4 nv floats at b + k ldb; the result for
 * channel f < nf goes to cbase[i] + cOff + f fStride, plus bias[f] (flag 1), through ReLU (flag 2: pmax(0, v),
 * which like the JS relu maps NaN to 0). `count` and `k` must be at least 1.
 */
export function igemmFunction(shape: IgemmShape, relaxed: boolean): FunctionDef {
  const { nv, mr } = shape;
  const rowPtr = (r: number) => FIRST_ROW_PTR + r;
  const v0 = FIRST_ROW_PTR + mr;
  const acc = (r: number, v: number) => v0 + r * nv + v;
  const bv = (v: number) => v0 + mr * nv + v;
  const splat = v0 + mr * nv + nv;
  const c = new Code();
  const flag = (bit: number) => c.get(FLAGS).i32(bit).emit(op.i32And);

  c.emit(op.loop, op.emptyBlock);
  for (let r = 0; r < mr; r++) {
    c.get(SRC)
      .get(ROWS)
      .emit(op.i32Load, ...memarg(2, 4 * r), op.i32Add)
      .set(rowPtr(r));
    for (let v = 0; v < nv; v++) c.zero().set(acc(r, v));
  }
  c.get(COLS).set(CP).get(B).set(BP).get(K).set(KK);
  c.emit(op.loop, op.emptyBlock);
  c.get(CP)
    .emit(op.i32Load, ...memarg(2))
    .set(OFF);
  for (let v = 0; v < nv; v++)
    c.get(BP)
      .simd(simd.load, ...memarg(0, 16 * v))
      .set(bv(v));
  for (let r = 0; r < mr; r++) {
    c.get(rowPtr(r))
      .get(OFF)
      .emit(op.i32Add)
      .simd(simd.load32Splat, ...memarg(0))
      .set(splat);
    for (let v = 0; v < nv; v++) {
      if (relaxed) c.get(splat).get(bv(v)).get(acc(r, v)).simd(simd.f32x4RelaxedMadd);
      else c.get(acc(r, v)).get(splat).get(bv(v)).simd(simd.f32x4Mul).simd(simd.f32x4Add);
      c.set(acc(r, v));
    }
  }
  c.bump(CP, 4).bump(BP, { local: LDB }).bump(KK, -1);
  c.get(KK).emit(op.brIf, 0, op.end);

  flag(FLAG_BIAS).emit(op.if, op.emptyBlock);
  for (let v = 0; v < nv; v++)
    c.get(BIAS)
      .simd(simd.load, ...memarg(0, 16 * v))
      .set(bv(v));
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nv; v++) c.get(acc(r, v)).get(bv(v)).simd(simd.f32x4Add).set(acc(r, v));
  }
  c.emit(op.end);
  flag(FLAG_RELU).emit(op.if, op.emptyBlock);
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nv; v++) c.zero().get(acc(r, v)).simd(simd.f32x4Pmax).set(acc(r, v));
  }
  c.emit(op.end);

  for (let r = 0; r < mr; r++) {
    c.get(CBASE)
      .emit(op.i32Load, ...memarg(2, 4 * r))
      .get(COFF)
      .emit(op.i32Add)
      .set(OUT);
    c.emit(op.block, op.emptyBlock);
    for (let f = 0; f < 4 * nv; f++) {
      c.get(NF).i32(f).emit(op.i32GtS, op.i32Eqz, op.brIf, 0);
      c.get(OUT)
        .get(acc(r, f >> 2))
        .simd(simd.store32Lane, ...memarg(0), f & 3);
      c.bump(OUT, { local: FSTRIDE });
    }
    c.emit(op.end);
  }
  c.bump(ROWS, 4 * mr)
    .bump(CBASE, 4 * mr)
    .bump(COUNT, -1);
  c.get(COUNT).emit(op.brIf, 0, op.end);
  return {
    name: igemmName(shape),
    params: i32s(PARAMS),
    locals: { i32: FIRST_ROW_PTR - PARAMS + mr, v128: mr * nv + nv + 1 },
    body: c,
  };
}

/** Every block shape: nv 1 and 2, each mr from 1 to its BLOCK_ROWS (the smaller ones finish a remainder). */
export function igemmShapes(): IgemmShape[] {
  return Object.entries(BLOCK_ROWS).flatMap(([nv, rows]) =>
    Array.from({ length: rows }, (_, i) => ({ nv: Number(nv), mr: i + 1 })),
  );
}

export const igemmFunctions = (relaxed: boolean): FunctionDef[] =>
  igemmShapes().map((s) => igemmFunction(s, relaxed));

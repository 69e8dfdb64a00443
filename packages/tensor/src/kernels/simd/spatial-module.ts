import { op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';
import { FLAG_BIAS, FLAG_RELU } from './igemm-module.js';

/**
 * A direct convolution vectorised along the output row (stride 1, no dilation), for layers with few
 * output channels: the indirect GEMM holds channels in its vectors, so 6 channels fill 8 lanes and every
 * output value leaves by a lane store; here 8 positions of a row are two vectors, each tap one weight
 * splat per channel, and whole vectors are stored straight into the NCHW planes.
 */

/** Output channels per call (accumulators: 2 per channel + 2 inputs + 1 splat within 16 xmm). */
export const SPATIAL_MAX_CHANNELS = 6;

export const spatialName = (channels: number): string => `spatial_${channels}`;

// Parameters, all i32, addresses and strides in bytes.
const [SRC, TAPS, K, W, LDW, BIAS, FLAGS, OUT, PLANE, ROWS, OW, WPB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const PARAMS = 12;
const [X, TP, KK, WPTR, A, REM, O] = [12, 13, 14, 15, 16, 17, 18];
const I32_LOCALS = 7;

/**
 * `spatial_<nf>(src, taps, k, w, ldw, bias, flags, out, plane, rows, ow, wpb)`: for `rows` output rows
 * (input rows `wpb` bytes apart from src, output rows of ow floats from out), output channel f < nf of
 * position x is sum over taps t of w[t ldw + 4 f] * src[row + taps[t] + 4 x], plus bias[f] (flag 1),
 * through ReLU (flag 2: pmax(0, v), NaN to 0), stored at out + f plane + 4 x. A row's last block reads up
 * to 7 floats past the input row (callers leave 8 floats of slack after the image) and stores only the
 * positions < ow. `rows` and `k` must be at least 1.
 */
export function spatialFunction(nf: number, relaxed: boolean): FunctionDef {
  const v0 = PARAMS + I32_LOCALS;
  const acc = (f: number, v: number) => v0 + 2 * f + v;
  const input = (v: number) => v0 + 2 * nf + v;
  const splat = v0 + 2 * nf + 2;
  const c = new Code();
  const flag = (bit: number) => c.get(FLAGS).i32(bit).emit(op.i32And);

  c.emit(op.loop, op.emptyBlock);
  c.i32(0).set(X);
  c.emit(op.loop, op.emptyBlock);
  for (let f = 0; f < nf; f++) for (let v = 0; v < 2; v++) c.zero().set(acc(f, v));
  c.get(TAPS).set(TP).get(K).set(KK).get(W).set(WPTR);
  c.emit(op.loop, op.emptyBlock);
  c.get(SRC)
    .get(X)
    .i32(4)
    .emit(op.i32Mul, op.i32Add)
    .get(TP)
    .emit(op.i32Load, ...memarg(2), op.i32Add)
    .set(A);
  for (let v = 0; v < 2; v++)
    c.get(A)
      .simd(simd.load, ...memarg(0, 16 * v))
      .set(input(v));
  for (let f = 0; f < nf; f++) {
    c.get(WPTR)
      .simd(simd.load32Splat, ...memarg(2, 4 * f))
      .set(splat);
    for (let v = 0; v < 2; v++) {
      if (relaxed) c.get(splat).get(input(v)).get(acc(f, v)).simd(simd.f32x4RelaxedMadd);
      else c.get(acc(f, v)).get(splat).get(input(v)).simd(simd.f32x4Mul).simd(simd.f32x4Add);
      c.set(acc(f, v));
    }
  }
  c.bump(TP, 4).bump(WPTR, { local: LDW }).bump(KK, -1);
  c.get(KK).emit(op.brIf, 0, op.end);

  flag(FLAG_BIAS).emit(op.if, op.emptyBlock);
  for (let f = 0; f < nf; f++) {
    c.get(BIAS)
      .simd(simd.load32Splat, ...memarg(2, 4 * f))
      .set(splat);
    for (let v = 0; v < 2; v++) c.get(acc(f, v)).get(splat).simd(simd.f32x4Add).set(acc(f, v));
  }
  c.emit(op.end);
  flag(FLAG_RELU).emit(op.if, op.emptyBlock);
  for (let f = 0; f < nf; f++) {
    for (let v = 0; v < 2; v++) c.zero().get(acc(f, v)).simd(simd.f32x4Pmax).set(acc(f, v));
  }
  c.emit(op.end);

  c.get(OW).get(X).emit(op.i32Sub).set(REM);
  c.get(OUT).get(X).i32(4).emit(op.i32Mul, op.i32Add).set(O);
  for (let f = 0; f < nf; f++) {
    c.get(REM).i32(8).emit(op.i32GeS, op.if, op.emptyBlock);
    for (let v = 0; v < 2; v++)
      c.get(O)
        .get(acc(f, v))
        .simd(simd.store, ...memarg(0, 16 * v));
    c.emit(op.else);
    c.emit(op.block, op.emptyBlock);
    for (let i = 0; i < 8; i++) {
      c.get(REM).i32(i).emit(op.i32GtS, op.i32Eqz, op.brIf, 0);
      c.get(O)
        .get(acc(f, i >> 2))
        .simd(simd.store32Lane, ...memarg(0, 4 * i), i & 3);
    }
    c.emit(op.end, op.end);
    c.bump(O, { local: PLANE });
  }
  c.bump(X, 8);
  c.get(X).get(OW).emit(op.i32LtS, op.brIf, 0, op.end);

  c.bump(SRC, { local: WPB }).get(OW).i32(4).emit(op.i32Mul).set(O).bump(OUT, { local: O }).bump(ROWS, -1);
  c.get(ROWS).emit(op.brIf, 0, op.end);
  return {
    name: spatialName(nf),
    params: i32s(PARAMS),
    locals: { i32: I32_LOCALS, v128: 2 * nf + 3 },
    body: c,
  };
}

/** One function per channel count 1..SPATIAL_MAX_CHANNELS (the smaller ones finish a layer's last block). */
export const spatialFunctions = (relaxed: boolean): FunctionDef[] =>
  Array.from({ length: SPATIAL_MAX_CHANNELS }, (_, i) => spatialFunction(i + 1, relaxed));

import { op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

// 2x2 max pooling at stride 2 over planes of even height and width, four windows per f32x4. Each block
// reads 8 input columns and stores whole vectors, so a row's last block may read and write past the
// row end into the next row, which is written later; callers leave 8 floats of slack after buffers.

/** i8x16.shuffle bytes picking float lanes of (a, b): 0-3 from a, 4-7 from b. */
const lanes = (...picks: number[]): number[] =>
  picks.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
const EVEN = lanes(0, 2, 4, 6);
const ODD = lanes(1, 3, 5, 7);
const LOW = lanes(0, 4, 1, 5);
const HIGH = lanes(2, 6, 3, 7);

interface Loop {
  /** Parameters: output row count and input row width in floats. */
  rows: number;
  w: number;
  /** Locals: output row, blocks left in the row, blocks per row. */
  r: number;
  q: number;
  blocks: number;
}

/**
 * for r < rows (output rows of w / 2 floats from input rows 2r and 2r + 1 of w floats): `pointers()`
 * sets the row pointers from r, then `block()` and `advance()` run once per 4 windows.
 */
function rowLoop(c: Code, l: Loop, pointers: () => void, block: () => void, advance: () => void): void {
  // ceil((w / 2) / 4) blocks per row
  c.get(l.w).i32(7).emit(op.i32Add).i32(3).emit(op.i32ShrU).set(l.blocks);
  c.i32(0).set(l.r);
  c.emit(op.loop, op.emptyBlock);
  pointers();
  c.get(l.blocks).set(l.q);
  c.emit(op.loop, op.emptyBlock);
  block();
  advance();
  c.bump(l.q, -1).get(l.q).emit(op.brIf, 0, op.end);
  c.bump(l.r, 1).get(l.r).get(l.rows).emit(op.i32LtS, op.brIf, 0, op.end);
}

/** local = base + r * w * bytes (bytes per float of w for one row step). */
function rowPointer(c: Code, l: Loop, local: number, base: number, bytes: number): void {
  c.get(base).get(l.r).get(l.w).emit(op.i32Mul).i32(bytes).emit(op.i32Mul, op.i32Add).set(local);
}

const load = (c: Code, ptr: number, offset: number) => c.get(ptr).simd(simd.load, ...memarg(0, offset));

/** maxPool2x2(src, dst, rows, w): output row r = max over the windows of input rows 2r and 2r + 1. */
function forward(): FunctionDef {
  const [SRC, DST] = [0, 1];
  const l: Loop = { rows: 2, w: 3, r: 4, q: 5, blocks: 6 };
  const [IN0, IN1, OUT] = [7, 8, 9];
  const [M0, M1] = [10, 11];
  const c = new Code();
  rowLoop(
    c,
    l,
    () => {
      rowPointer(c, l, IN0, SRC, 8);
      c.get(IN0).get(l.w).i32(4).emit(op.i32Mul, op.i32Add).set(IN1);
      rowPointer(c, l, OUT, DST, 2);
    },
    () => {
      load(c, IN0, 0);
      load(c, IN1, 0).simd(simd.f32x4Max).set(M0);
      load(c, IN0, 16);
      load(c, IN1, 16).simd(simd.f32x4Max).set(M1);
      c.get(OUT);
      c.get(M0)
        .get(M1)
        .simd(simd.shuffle, ...EVEN);
      c.get(M0)
        .get(M1)
        .simd(simd.shuffle, ...ODD);
      c.simd(simd.f32x4Max).simd(simd.store, ...memarg(0));
    },
    () => c.bump(IN0, 32).bump(IN1, 32).bump(OUT, 16),
  );
  return { name: 'maxPool2x2', params: i32s(4), locals: { i32: 6, v128: 2 }, body: c };
}

/**
 * maxPool2x2Backward(x, g, dx, rows, w): dx (overwritten, x's shape) holds each window's gradient at
 * its winner: the first maximum in row-major order, or the last NaN when the window has one (as the
 * argmax of maxPool2dForward), and zeros elsewhere.
 */
function backward(): FunctionDef {
  const [X, G, DX] = [0, 1, 2];
  const l: Loop = { rows: 3, w: 4, r: 5, q: 6, blocks: 7 };
  const [X0, X1, GP, D0, D1] = [8, 9, 10, 11, 12];
  // v128 locals: the window corners, their maximum, first-maximum masks, NaN masks, seen-so-far.
  const x = [13, 14, 15, 16];
  const M = 17;
  const e = [18, 19, 20, 21];
  const nan = [22, 23, 24, 25];
  const [SEEN, ANY, GV] = [26, 27, 28];
  const c = new Code();
  const corners = (ptr: number, first: number) => {
    for (const [k, pick] of [
      [first, EVEN],
      [first + 1, ODD],
    ] as const) {
      load(c, ptr, 0);
      load(c, ptr, 16)
        .simd(simd.shuffle, ...pick)
        .set(x[k]!);
    }
  };
  rowLoop(
    c,
    l,
    () => {
      // Right to left: a last block spilling from row 2r into row 2r + 1 is overwritten by block 0.
      const last = (ptr: number, bytes: number) =>
        c.get(ptr).get(l.blocks).i32(1).emit(op.i32Sub).i32(bytes).emit(op.i32Mul, op.i32Add).set(ptr);
      rowPointer(c, l, X0, X, 8);
      last(X0, 32);
      c.get(X0).get(l.w).i32(4).emit(op.i32Mul, op.i32Add).set(X1);
      rowPointer(c, l, D0, DX, 8);
      last(D0, 32);
      c.get(D0).get(l.w).i32(4).emit(op.i32Mul, op.i32Add).set(D1);
      rowPointer(c, l, GP, G, 2);
      last(GP, 16);
    },
    () => {
      corners(X0, 0);
      corners(X1, 2);
      c.get(x[0]!).get(x[1]!).simd(simd.f32x4Max).get(x[2]!).get(x[3]!).simd(simd.f32x4Max);
      c.simd(simd.f32x4Max).set(M);
      // First maximum in row-major order: each corner equal to M and not preceded by one.
      c.get(x[0]!).get(M).simd(simd.f32x4Eq).set(e[0]!).get(e[0]!).set(SEEN);
      for (const k of [1, 2]) {
        c.get(x[k]!).get(M).simd(simd.f32x4Eq).get(SEEN).simd(simd.v128AndNot).set(e[k]!);
        c.get(SEEN).get(e[k]!).simd(simd.v128Or).set(SEEN);
      }
      c.get(SEEN).simd(simd.v128Not).set(e[3]!);
      // Last NaN: each NaN corner not followed by one.
      c.get(x[3]!).get(x[3]!).simd(simd.f32x4Ne).set(nan[3]!).get(nan[3]!).set(ANY);
      for (const k of [2, 1, 0]) {
        c.get(x[k]!).get(x[k]!).simd(simd.f32x4Ne).get(ANY).simd(simd.v128AndNot).set(nan[k]!);
        c.get(ANY).get(nan[k]!).simd(simd.v128Or).set(ANY);
      }
      load(c, GP, 0).set(GV);
      for (let k = 0; k < 4; k++) {
        c.get(nan[k]!).get(e[k]!).get(ANY).simd(simd.v128Bitselect).get(GV).simd(simd.v128And).set(e[k]!);
      }
      for (const [ptr, a, b] of [
        [D0, e[0]!, e[1]!],
        [D1, e[2]!, e[3]!],
      ] as const) {
        c.get(ptr)
          .get(a)
          .get(b)
          .simd(simd.shuffle, ...LOW)
          .simd(simd.store, ...memarg(0));
        c.get(ptr)
          .get(a)
          .get(b)
          .simd(simd.shuffle, ...HIGH)
          .simd(simd.store, ...memarg(0, 16));
      }
    },
    () => c.bump(X0, -32).bump(X1, -32).bump(D0, -32).bump(D1, -32).bump(GP, -16),
  );
  return { name: 'maxPool2x2Backward', params: i32s(5), locals: { i32: 8, v128: 16 }, body: c };
}

export const poolFunctions = (): FunctionDef[] => [forward(), backward()];

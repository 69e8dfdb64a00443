import { op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

// The transforms of Winograd's F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016, section 4.1): each 4x4 input tile d becomes V = B^T d B and each 4x4 product M the
// 2x2 output A^T M A. Four horizontally adjacent tiles are transformed at once, one per f32x4 lane, so
// the transforms are plain vector adds; the 16 elements of the tiles go to 16 planes `xi` bytes apart.

/** i8x16.shuffle bytes picking float lanes of (a, b): 0-3 from a, 4-7 from b. */
const lanes = (...picks: number[]): number[] =>
  picks.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
const EVEN = lanes(0, 2, 4, 6);
const ODD = lanes(1, 3, 5, 7);
const LOW = lanes(0, 4, 1, 5);
const HIGH = lanes(2, 6, 3, 7);

type Combine = [number, number, number];

/** B^T's rows as (first, second, op): d0 - d2, d1 + d2, d2 - d1, d1 - d3. */
const B_T: Combine[] = [
  [0, 2, simd.f32x4Sub],
  [1, 2, simd.f32x4Add],
  [2, 1, simd.f32x4Sub],
  [1, 3, simd.f32x4Sub],
];

/**
 * winogradInput(src, dst, th, groups, wp, xi): the th x 4 groups tiles of one zero-padded plane (rows of
 * wp floats, tile (ty, tx) at row 2ty, column 2tx, wp at least 8 groups + 2) to 16 planes: element
 * (i, j) of tile (ty, tx) at dst + (4i + j) xi + 4 (ty 4 groups + tx).
 */
function input(): FunctionDef {
  const [SRC, DST, TH, GROUPS, WP, XI] = [0, 1, 2, 3, 4, 5];
  const [ROW, P, G, Y, STRIDE, D] = [6, 7, 8, 9, 10, 11];
  const v0 = 12;
  const d = (i: number, j: number) => v0 + 4 * i + j;
  const u = (i: number, j: number) => v0 + 16 + 4 * i + j;
  const [A, B] = [v0 + 32, v0 + 33];
  const c = new Code();
  c.get(WP).i32(4).emit(op.i32Mul).set(STRIDE);
  c.get(TH).set(Y).get(SRC).set(ROW);
  c.emit(op.loop, op.emptyBlock);
  c.get(ROW).set(P).get(GROUPS).set(G);
  c.emit(op.loop, op.emptyBlock);
  for (let i = 0; i < 4; i++) {
    // Columns 2tx + j of four tiles: even and odd lanes of 8 floats from column 0, then from column 2.
    for (const [offset, j] of [
      [0, 0],
      [8, 2],
    ] as const) {
      c.get(P)
        .simd(simd.load, ...memarg(0, offset))
        .set(A);
      c.get(P)
        .simd(simd.load, ...memarg(0, offset + 16))
        .set(B);
      c.get(A)
        .get(B)
        .simd(simd.shuffle, ...EVEN)
        .set(d(i, j));
      c.get(A)
        .get(B)
        .simd(simd.shuffle, ...ODD)
        .set(d(i, j + 1));
    }
    c.get(P).get(STRIDE).emit(op.i32Add).set(P);
  }
  for (let i = 0; i < 4; i++) {
    const [a, b, opcode] = B_T[i]!;
    for (let j = 0; j < 4; j++) c.get(d(a, j)).get(d(b, j)).simd(opcode).set(u(i, j));
  }
  c.get(DST).set(D);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const [a, b, opcode] = B_T[j]!;
      c.get(D)
        .get(u(i, a))
        .get(u(i, b))
        .simd(opcode)
        .simd(simd.store, ...memarg(0));
      c.bump(D, { local: XI });
    }
  }
  // Back from row 4 of the group to row 0, then 8 columns on.
  c.get(P).get(STRIDE).i32(4).emit(op.i32Mul, op.i32Sub).i32(32).emit(op.i32Add).set(P);
  c.bump(DST, 16).bump(G, -1).get(G).emit(op.brIf, 0, op.end);
  c.get(ROW).get(STRIDE).i32(2).emit(op.i32Mul, op.i32Add).set(ROW);
  c.bump(Y, -1).get(Y).emit(op.brIf, 0, op.end);
  return { name: 'winogradInput', params: i32s(6), locals: { i32: 6, v128: 34 }, body: c };
}

/**
 * winogradOutput(src, dst, th, groups, xi, bias, relu): the products of th x 4 groups tiles (planes as
 * winogradInput writes them) to a plane of 2th rows of 8 groups floats, plus the float at `bias`, through
 * max(0, .) when relu is non-zero.
 */
function output(): FunctionDef {
  const [SRC, DST, TH, GROUPS, XI, BIAS, RELU] = [0, 1, 2, 3, 4, 5, 6];
  const [O, G, Y, ROW_BYTES, S] = [7, 8, 9, 10, 11];
  const v0 = 12;
  const m = (i: number, j: number) => v0 + 4 * i + j;
  const a = (i: number, j: number) => v0 + 16 + 4 * i + j;
  const y = (i: number, j: number) => v0 + 24 + 2 * i + j;
  const BV = v0 + 28;
  const c = new Code();
  c.get(GROUPS).i32(32).emit(op.i32Mul).set(ROW_BYTES);
  c.get(BIAS)
    .simd(simd.load32Splat, ...memarg(2))
    .set(BV);
  c.get(DST).set(O).get(TH).set(Y);
  c.emit(op.loop, op.emptyBlock);
  c.get(GROUPS).set(G);
  c.emit(op.loop, op.emptyBlock);
  c.get(SRC).set(S);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      c.get(S)
        .simd(simd.load, ...memarg(0))
        .set(m(i, j));
      c.bump(S, { local: XI });
    }
  }
  // A^T M: rows m0 + m1 + m2 and m1 - m2 - m3; then the same across columns.
  const rows = (at: (i: number) => number, to: (r: number) => number) => {
    c.get(at(0)).get(at(1)).simd(simd.f32x4Add).get(at(2)).simd(simd.f32x4Add).set(to(0));
    c.get(at(1)).get(at(2)).simd(simd.f32x4Sub).get(at(3)).simd(simd.f32x4Sub).set(to(1));
  };
  for (let j = 0; j < 4; j++)
    rows(
      (i) => m(i, j),
      (r) => a(r, j),
    );
  for (let i = 0; i < 2; i++)
    rows(
      (j) => a(i, j),
      (r) => y(i, r),
    );
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      c.get(y(i, j)).get(BV).simd(simd.f32x4Add).set(y(i, j));
      c.get(RELU).emit(op.if, op.emptyBlock);
      c.zero().get(y(i, j)).simd(simd.f32x4Pmax).set(y(i, j));
      c.emit(op.end);
    }
  }
  // Output rows 2ty and 2ty + 1: the two columns of each tile interleaved.
  for (let i = 0; i < 2; i++) {
    for (const [half, pick] of [
      [0, LOW],
      [16, HIGH],
    ] as const) {
      c.get(O);
      if (i === 1) c.get(ROW_BYTES).emit(op.i32Add);
      c.get(y(i, 0))
        .get(y(i, 1))
        .simd(simd.shuffle, ...pick)
        .simd(simd.store, ...memarg(0, half));
    }
  }
  c.bump(SRC, 16).bump(O, 32).bump(G, -1).get(G).emit(op.brIf, 0, op.end);
  // O is at the start of the tile row's second output row: skip it.
  c.bump(O, { local: ROW_BYTES });
  c.bump(Y, -1).get(Y).emit(op.brIf, 0, op.end);
  return { name: 'winogradOutput', params: i32s(7), locals: { i32: 5, v128: 29 }, body: c };
}

/**
 * winogradGradTiles(src, dst, th, groups, tileBytes, xi): the 2x2 tiles of one zero-padded gradient plane
 * (2th rows of 8 groups floats) to A g A^T, A = [[1, 0], [1, 1], [1, -1], [0, -1]] (the transpose of the
 * output transform, for the weight gradient): element (i, j) of tile t at dst + (4i + j) xi + t tileBytes.
 */
function gradTiles(): FunctionDef {
  const [SRC, DST, TH, GROUPS, TILE_BYTES, XI] = [0, 1, 2, 3, 4, 5];
  const [R0, G, Y, ROW_BYTES, D, P] = [6, 7, 8, 9, 10, 11];
  const v0 = 12;
  const [G00, G01, G10, G11, A, B] = [v0, v0 + 1, v0 + 2, v0 + 3, v0 + 4, v0 + 5];
  const [PV, QV] = [v0 + 6, v0 + 7];
  const c = new Code();
  c.get(GROUPS).i32(32).emit(op.i32Mul).set(ROW_BYTES);
  c.get(SRC).set(R0).get(TH).set(Y);
  c.emit(op.loop, op.emptyBlock);
  c.get(GROUPS).set(G);
  c.emit(op.loop, op.emptyBlock);
  for (const [row, even, odd] of [
    [0, G00, G01],
    [1, G10, G11],
  ] as const) {
    c.get(R0);
    if (row === 1) c.get(ROW_BYTES).emit(op.i32Add);
    c.set(P);
    c.get(P)
      .simd(simd.load, ...memarg(0))
      .set(A);
    c.get(P)
      .simd(simd.load, ...memarg(0, 16))
      .set(B);
    c.get(A)
      .get(B)
      .simd(simd.shuffle, ...EVEN)
      .set(even);
    c.get(A)
      .get(B)
      .simd(simd.shuffle, ...ODD)
      .set(odd);
  }
  c.get(DST).set(D);
  // A g: rows g0, g0 + g1, g0 - g1, -g1 (as pairs p, q of columns); then each row (p, q) to [p, p + q, p - q, -q].
  const rowPairs: [(col: number) => void][] = [
    [(col) => c.get(col === 0 ? G00 : G01)],
    [
      (col) =>
        c
          .get(col === 0 ? G00 : G01)
          .get(col === 0 ? G10 : G11)
          .simd(simd.f32x4Add),
    ],
    [
      (col) =>
        c
          .get(col === 0 ? G00 : G01)
          .get(col === 0 ? G10 : G11)
          .simd(simd.f32x4Sub),
    ],
    [
      (col) =>
        c
          .zero()
          .get(col === 0 ? G10 : G11)
          .simd(simd.f32x4Sub),
    ],
  ];
  const store = () => {
    c.get(D).set(P);
    for (let lane = 0; lane < 4; lane++) {
      c.get(P)
        .get(A)
        .simd(simd.store32Lane, ...memarg(0), lane);
      if (lane < 3) c.bump(P, { local: TILE_BYTES });
    }
    c.bump(D, { local: XI });
  };
  for (const [pair] of rowPairs) {
    pair(0);
    c.set(PV);
    pair(1);
    c.set(QV);
    const columns: (() => void)[] = [
      () => c.get(PV),
      () => c.get(PV).get(QV).simd(simd.f32x4Add),
      () => c.get(PV).get(QV).simd(simd.f32x4Sub),
      () => c.zero().get(QV).simd(simd.f32x4Sub),
    ];
    for (const column of columns) {
      column();
      c.set(A);
      store();
    }
  }
  c.get(DST).get(TILE_BYTES).i32(4).emit(op.i32Mul, op.i32Add).set(DST);
  c.bump(R0, 32).bump(G, -1).get(G).emit(op.brIf, 0, op.end);
  // R0 is at the start of the tile row's second gradient row: skip it.
  c.bump(R0, { local: ROW_BYTES });
  c.bump(Y, -1).get(Y).emit(op.brIf, 0, op.end);
  return { name: 'winogradGradTiles', params: i32s(6), locals: { i32: 6, v128: 8 }, body: c };
}

export const winogradFunctions = (): FunctionDef[] => [input(), output(), gradTiles()];

import { op, simd } from '../../wasm/opcodes.js';
import { Code, type FunctionDef, i32s, memarg } from '../../wasm/writer.js';

// Per-channel passes of batch normalisation over [n, c, plane] float32 (plane a multiple of 4), four
// values per f32x4; sums accumulate in float64 (two f64x2 per vector). Per-channel inputs are float32
// arrays of c values, per-channel outputs float64 arrays.

const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/** Parameter slots every function shares, then its own; locals after all parameters. */
interface Shape {
  n: number;
  c: number;
  plane: number;
  /** Parameters that walk the [n, c, plane] layout (addresses). */
  walkers: number[];
}

/**
 * for ch < c { start(); for b < n { for i < plane step 4 { body(addr) } } end() }, where addr(p) pushes
 * the address of the current vector of walker p. Uses i32 locals first, first + 1, first + 2, first + 3.
 */
function channelLoop(
  c: Code,
  s: Shape,
  first: number,
  start: () => void,
  body: (addr: (p: number) => Code) => void,
  end: () => void,
): void {
  const [CH, B, OFF, J] = [first, first + 1, first + 2, first + 3];
  c.i32(0).set(CH);
  c.emit(op.loop, op.emptyBlock);
  start();
  c.i32(0).set(B);
  c.emit(op.loop, op.emptyBlock);
  c.get(B)
    .get(s.c)
    .emit(op.i32Mul)
    .get(CH)
    .emit(op.i32Add)
    .get(s.plane)
    .emit(op.i32Mul)
    .i32(4)
    .emit(op.i32Mul)
    .set(OFF);
  c.i32(0).set(J);
  c.emit(op.loop, op.emptyBlock);
  body((p) => c.get(p).get(OFF).emit(op.i32Add).get(J).emit(op.i32Add));
  c.bump(J, 16).get(J).get(s.plane).i32(4).emit(op.i32Mul, op.i32LtS, op.brIf, 0, op.end);
  c.bump(B, 1).get(B).get(s.n).emit(op.i32LtS, op.brIf, 0, op.end);
  end();
  c.bump(CH, 1).get(CH).get(s.c).emit(op.i32LtS, op.brIf, 0, op.end);
}

/** Pushes the channel's float32 at base[ch] as an f32x4 splat (ch is the loop's first local). */
const splatAt = (c: Code, base: number, ch: number) =>
  c
    .get(base)
    .get(ch)
    .i32(4)
    .emit(op.i32Mul, op.i32Add, op.f32Load, ...memarg(2))
    .simd(simd.f32x4Splat);

/** acc0/acc1 += the four lanes of the f32x4 on the stack (kept in `tmp`), promoted to float64. */
function accumulate(c: Code, tmp: number, acc0: number, acc1: number): void {
  c.set(tmp);
  c.get(acc0).get(tmp).simd(simd.f64x2PromoteLowF32x4).simd(simd.f64x2Add).set(acc0);
  c.get(acc1)
    .get(tmp)
    .get(tmp)
    .simd(simd.shuffle, ...HIGH)
    .simd(simd.f64x2PromoteLowF32x4);
  c.simd(simd.f64x2Add).set(acc1);
}

/** out64[slot] = the four float64 lanes of acc0 and acc1 summed; the channel's slot is ch * 8 bytes + offset. */
function storeSum(c: Code, out: number, ch: number, offset: number, acc0: number, acc1: number): void {
  c.get(out).get(ch).i32(8).emit(op.i32Mul, op.i32Add);
  c.get(acc0).simd(simd.f64x2ExtractLane, 0).get(acc0).simd(simd.f64x2ExtractLane, 1).emit(op.f64Add);
  c.get(acc1).simd(simd.f64x2ExtractLane, 0).emit(op.f64Add);
  c.get(acc1)
    .simd(simd.f64x2ExtractLane, 1)
    .emit(op.f64Add, op.f64Store, ...memarg(3, offset));
}

/** The gradient through the optional ReLU: g, or g where y > 0 and 0 elsewhere (relu a parameter). */
function maskedGrad(
  c: Code,
  addr: (p: number) => Code,
  g: number,
  y: number,
  relu: number,
  into: number,
): void {
  addr(g)
    .simd(simd.load, ...memarg(0))
    .set(into);
  c.get(relu).emit(op.if, op.emptyBlock);
  c.get(into);
  addr(y)
    .simd(simd.load, ...memarg(0))
    .zero()
    .simd(simd.f32x4Gt)
    .simd(simd.v128And)
    .set(into);
  c.emit(op.end);
}

/** channelSums(x, n, c, plane, mean, out): out[ch] = sum of x, or of (x - mean[ch])^2 when mean != 0. */
function channelSums(): FunctionDef {
  const [X, N, C, PLANE, MEAN, OUT] = [0, 1, 2, 3, 4, 5];
  const s: Shape = { n: N, c: C, plane: PLANE, walkers: [X] };
  const [V, M, ACC0, ACC1] = [10, 11, 12, 13];
  const c = new Code();
  channelLoop(
    c,
    s,
    6,
    () => {
      c.zero().set(ACC0).zero().set(ACC1);
      c.get(MEAN).emit(op.if, op.emptyBlock);
      splatAt(c, MEAN, 6).set(M);
      c.emit(op.end);
    },
    (addr) => {
      addr(X)
        .simd(simd.load, ...memarg(0))
        .set(V);
      c.get(MEAN).emit(op.if, op.emptyBlock);
      c.get(V).get(M).simd(simd.f32x4Sub).set(V);
      c.get(V).get(V).simd(simd.f32x4Mul).set(V);
      c.emit(op.end);
      c.get(V);
      accumulate(c, V, ACC0, ACC1);
    },
    () => storeSum(c, OUT, 6, 0, ACC0, ACC1),
  );
  return { name: 'channelSums', params: i32s(6), locals: { i32: 4, v128: 4 }, body: c };
}

/** channelAffine(x, out, n, c, plane, scale, shift, relu): out = x scale[ch] + shift[ch], then ReLU if relu. */
function channelAffine(): FunctionDef {
  const [X, OUT, N, C, PLANE, SCALE, SHIFT, RELU] = [0, 1, 2, 3, 4, 5, 6, 7];
  const s: Shape = { n: N, c: C, plane: PLANE, walkers: [X, OUT] };
  const [SV, HV, V] = [12, 13, 14];
  const c = new Code();
  channelLoop(
    c,
    s,
    8,
    () => {
      splatAt(c, SCALE, 8).set(SV);
      splatAt(c, SHIFT, 8).set(HV);
    },
    (addr) => {
      addr(X)
        .simd(simd.load, ...memarg(0))
        .get(SV)
        .simd(simd.f32x4Mul)
        .get(HV)
        .simd(simd.f32x4Add)
        .set(V);
      c.get(RELU).emit(op.if, op.emptyBlock);
      c.zero().get(V).simd(simd.f32x4Pmax).set(V);
      c.emit(op.end);
      addr(OUT)
        .get(V)
        .simd(simd.store, ...memarg(0));
    },
    () => {},
  );
  return { name: 'channelAffine', params: i32s(8), locals: { i32: 4, v128: 3 }, body: c };
}

/**
 * channelGradSums(g, x, y, relu, n, c, plane, mean, invstd, out): with g' the gradient through the
 * optional ReLU (output y) and xhat = (x - mean) invstd, out[2 ch] = sum g', out[2 ch + 1] = sum g' xhat.
 */
function channelGradSums(): FunctionDef {
  const [G, X, Y, RELU, N, C, PLANE, MEAN, INVSTD, OUT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const s: Shape = { n: N, c: C, plane: PLANE, walkers: [G, X, Y] };
  const [GV, T, M, IS, A0, A1, B0, B1] = [14, 15, 16, 17, 18, 19, 20, 21];
  const c = new Code();
  channelLoop(
    c,
    s,
    10,
    () => {
      c.zero().set(A0).zero().set(A1).zero().set(B0).zero().set(B1);
      splatAt(c, MEAN, 10).set(M);
      splatAt(c, INVSTD, 10).set(IS);
    },
    (addr) => {
      maskedGrad(c, addr, G, Y, RELU, GV);
      c.get(GV);
      accumulate(c, T, A0, A1);
      addr(X)
        .simd(simd.load, ...memarg(0))
        .get(M)
        .simd(simd.f32x4Sub)
        .get(IS)
        .simd(simd.f32x4Mul);
      c.get(GV).simd(simd.f32x4Mul);
      accumulate(c, T, B0, B1);
    },
    () => {
      // out is [c, 2] float64: the channel's pair starts at 16 ch bytes.
      c.get(10).i32(2).emit(op.i32Mul).set(11);
      storeSum(c, OUT, 11, 0, A0, A1);
      storeSum(c, OUT, 11, 8, B0, B1);
    },
  );
  return { name: 'channelGradSums', params: i32s(10), locals: { i32: 4, v128: 8 }, body: c };
}

/** channelGradInput(g, x, y, relu, n, c, plane, a, b, d, dx): dx = a[ch] g' + b[ch] + d[ch] x. */
function channelGradInput(): FunctionDef {
  const [G, X, Y, RELU, N, C, PLANE, A, B, D, DX] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const s: Shape = { n: N, c: C, plane: PLANE, walkers: [G, X, Y, DX] };
  const [GV, AV, BV, DV] = [15, 16, 17, 18];
  const c = new Code();
  channelLoop(
    c,
    s,
    11,
    () => {
      splatAt(c, A, 11).set(AV);
      splatAt(c, B, 11).set(BV);
      splatAt(c, D, 11).set(DV);
    },
    (addr) => {
      maskedGrad(c, addr, G, Y, RELU, GV);
      addr(DX);
      c.get(GV).get(AV).simd(simd.f32x4Mul).get(BV).simd(simd.f32x4Add);
      addr(X)
        .simd(simd.load, ...memarg(0))
        .get(DV)
        .simd(simd.f32x4Mul)
        .simd(simd.f32x4Add);
      c.simd(simd.store, ...memarg(0));
    },
    () => {},
  );
  return { name: 'channelGradInput', params: i32s(11), locals: { i32: 4, v128: 4 }, body: c };
}

export const normFunctions = (): FunctionDef[] => [
  channelSums(),
  channelAffine(),
  channelGradSums(),
  channelGradInput(),
];

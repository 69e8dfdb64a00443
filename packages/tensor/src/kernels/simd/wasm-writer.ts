/** A small WebAssembly binary writer (LEB128, sections, the opcodes the direct-convolution kernels use). */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Core opcodes (WebAssembly spec, binary format, section 5.4). */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  i32Load: 0x28,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32Mul: 0x6c,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32ShrU: 0x76,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f32Store: 0x38,
  f64Store: 0x39,
  i32GeS: 0x4e,
  f32Gt: 0x5e,
  f64Add: 0xa0,
  f64PromoteF32: 0xbb,
  select: 0x1b,
  emptyBlock: 0x40,
} as const;

/** Bulk memory opcodes, written after the 0xfc prefix (each followed by its memory index bytes). */
export const bulk = {
  memoryCopy: 0x0a,
  memoryFill: 0x0b,
} as const;

/** SIMD opcodes, written after the 0xfd prefix as LEB128 (fixed-width and relaxed SIMD proposals). */
export const simd = {
  load: 0x00,
  load32Splat: 0x09,
  const: 0x0c,
  store: 0x0b,
  shuffle: 0x0d,
  store32Lane: 0x5a,
  f32x4Eq: 0x41,
  f32x4Ne: 0x42,
  f32x4Gt: 0x44,
  v128Not: 0x4d,
  v128And: 0x4e,
  v128AndNot: 0x4f,
  v128Or: 0x50,
  v128Bitselect: 0x52,
  f32x4Max: 0xe9,
  f64x2ExtractLane: 0x21,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
  f32x4Sub: 0xe5,
  f32x4Splat: 0x13,
  f64x2PromoteLowF32x4: 0x5f,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  f32x4Pmax: 0xeb,
  f32x4RelaxedMadd: 0x105,
} as const;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A memory immediate: log2 of the alignment, then the constant byte offset. */
export const memarg = (alignLog2: number, offset = 0): number[] => [...uleb(alignLog2), ...uleb(offset)];

/** Instructions of one function body, appended in order. */
export class Code {
  readonly bytes: number[] = [];

  emit(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }

  get(local: number): this {
    return this.emit(op.localGet, ...uleb(local));
  }

  set(local: number): this {
    return this.emit(op.localSet, ...uleb(local));
  }

  i32(value: number): this {
    return this.emit(op.i32Const, ...sleb(value));
  }

  /** local += delta, both i32 (delta a constant or another local). */
  bump(local: number, delta: number | { local: number }): this {
    this.get(local);
    if (typeof delta === 'number') this.i32(delta);
    else this.get(delta.local);
    return this.emit(op.i32Add).set(local);
  }

  simd(opcode: number, ...immediates: number[]): this {
    return this.emit(0xfd, ...uleb(opcode), ...immediates);
  }

  /** memory.copy(dst, src, bytes) or memory.fill(dst, byte, bytes), operands already pushed. */
  bulk(opcode: number): this {
    return this.emit(0xfc, ...uleb(opcode), ...(opcode === bulk.memoryCopy ? [0, 0] : [0]));
  }

  /** A v128 of zeros. */
  zero(): this {
    return this.simd(simd.const, ...new Array<number>(16).fill(0));
  }
}

export interface FunctionDef {
  name: string;
  /** i32 parameters only; the functions return nothing. */
  params: number;
  /** Locals in this order after the parameters: i32s, then f32s, then f64s, then v128s. */
  locals: { i32: number; f32?: number; f64?: number; v128: number };
  body: Code;
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A module importing one shared memory `env.memory` of at most `maxPages` and exporting the functions by name. */
export function moduleBytes(functions: readonly FunctionDef[], maxPages: number): Uint8Array {
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(maxPages)];
  const bodies = functions.map((f) => {
    const locals = vec([
      [...uleb(f.locals.i32), I32],
      [...uleb(f.locals.f32 ?? 0), F32],
      [...uleb(f.locals.f64 ?? 0), F64],
      [...uleb(f.locals.v128), V128],
    ]);
    const body = [...locals, ...f.body.bytes, op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(bodies)),
  ]);
}

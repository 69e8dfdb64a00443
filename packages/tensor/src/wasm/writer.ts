/** A small WebAssembly binary writer: LEB128, function bodies, and a module around them. */

import { bulk, F32, F64, I32, op, simd, V128 } from './opcodes.js';

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
  /** Parameter types in order; the functions return nothing. */
  params: readonly number[];
  /** Locals in this order after the parameters: i32s, then f32s, then f64s, then v128s. */
  locals: { i32?: number; f32?: number; f64?: number; v128?: number };
  body: Code;
}

/** `count` i32 parameter types. */
export const i32s = (count: number): number[] => new Array<number>(count).fill(I32);

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
  const types = functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(maxPages)];
  const bodies = functions.map((f) => {
    const locals = vec([
      [...uleb(f.locals.i32 ?? 0), I32],
      [...uleb(f.locals.f32 ?? 0), F32],
      [...uleb(f.locals.f64 ?? 0), F64],
      [...uleb(f.locals.v128 ?? 0), V128],
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

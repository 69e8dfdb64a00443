/** Value types (WebAssembly spec, binary format, section 5.3.1). */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Core opcodes (WebAssembly spec, binary format, section 5.4). */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  f32Gt: 0x5e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32ShrU: 0x76,
  f32Add: 0x92,
  f32Mul: 0x94,
  f64Add: 0xa0,
  f64PromoteF32: 0xbb,
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
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4ReplaceLane: 0x20,
  f64x2ExtractLane: 0x21,
  f32x4Eq: 0x41,
  f32x4Ne: 0x42,
  f32x4Gt: 0x44,
  v128Not: 0x4d,
  v128And: 0x4e,
  v128AndNot: 0x4f,
  v128Or: 0x50,
  v128Bitselect: 0x52,
  store32Lane: 0x5a,
  f64x2PromoteLowF32x4: 0x5f,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Max: 0xe9,
  f32x4Pmax: 0xeb,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
  f32x4RelaxedMadd: 0x105,
} as const;

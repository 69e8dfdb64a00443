import { MAX_PAGES, PAGE_BYTES, sharedMemory, type WasmMemory } from '../wasm/api.js';

/** An offset table identified by the shape it was built for. */
export interface TableSpec {
  key: string;
  build: () => Int32Array;
}

/** Offset tables kept resident, at most (a few hundred convolution shapes). */
const MAX_TABLE_BYTES = 64 << 20;

/**
 * The shared WebAssembly memory as the calling thread lays it out: resident offset tables at the
 * bottom, the scratch of one call (a convolution, a GEMM) above them.
 */
export class Arena {
  readonly memory: WasmMemory = sharedMemory();
  private f32 = new Float32Array(this.memory.buffer);
  private i32 = new Int32Array(this.memory.buffer);
  private readonly tableAt = new Map<string, number>();
  /** Address 0 stays unused, so kernels can take 0 for "no buffer". */
  private tablesEnd = 16;

  /**
   * Byte addresses of tables kept in the memory across calls (offset tables depend on shapes only),
   * each built on first use. All tables one call needs are asked for together, before its scratch:
   * past MAX_TABLE_BYTES every table is dropped first, never one the same call still holds.
   */
  tables(...specs: readonly TableSpec[]): number[] {
    const missing = specs.filter((s) => !this.tableAt.has(s.key));
    if (missing.length === 0) return specs.map((s) => this.tableAt.get(s.key)!);
    const built = missing.map((s) => [s.key, s.build()] as const);
    const bytes = built.reduce((sum, [, t]) => sum + Math.ceil(t.byteLength / 16) * 16, 0);
    if (this.tablesEnd > 16 && this.tablesEnd + bytes > MAX_TABLE_BYTES) {
      this.tableAt.clear();
      this.tablesEnd = 16;
      return this.tables(...specs);
    }
    this.reserve(this.tablesEnd + bytes);
    for (const [key, table] of built) {
      this.i32.set(table, this.tablesEnd >> 2);
      this.tableAt.set(key, this.tablesEnd);
      this.tablesEnd += Math.ceil(table.byteLength / 16) * 16;
    }
    return specs.map((s) => this.tableAt.get(s.key)!);
  }

  /** Where a call's scratch starts (16-byte aligned): above the tables. */
  get scratchBase(): number {
    return this.tablesEnd;
  }

  /**
   * Byte addresses of 16-byte aligned regions of the given element counts (4-byte elements) above the
   * tables, each followed by 8 elements of slack for kernels that finish a row with a whole vector.
   */
  scratch<K extends string>(sizes: Record<K, number>): Record<K, number> {
    const at = {} as Record<K, number>;
    let end = this.tablesEnd;
    for (const key of Object.keys(sizes) as K[]) {
      at[key] = end;
      end += Math.ceil(sizes[key] / 4) * 16 + 32;
    }
    this.reserve(end);
    return at;
  }

  /** The whole memory as floats (index = byte address / 4); stale after the memory grows. */
  get floats(): Float32Array {
    return this.f32;
  }

  /** Grows the memory to at least `bytes`; workers see the growth on their next `buffer` read. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    if (bytes > MAX_PAGES * PAGE_BYTES) throw new Error(`scratch of ${bytes} bytes exceeds the 1 GiB limit`);
    this.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }
}

/**
 * The plain TypeScript micro-kernel on float64 packs: for each 4-column B micro-panel and each 4-row A
 * micro-panel, the 4x4 block of the row-major C tile at `c` (row stride ldc) gets += A_panel * B_panel.
 * All addresses are element indices into `f`. 16 accumulators in locals; no branch inside the k loop.
 */
export function jsBlock(
  f: Float64Array,
  a: number,
  b: number,
  c: number,
  kc: number,
  mPanels: number,
  nPanels: number,
  bStride: number,
  ldc: number,
): void {
  for (let j = 0; j < nPanels; j++) {
    const bPanel = b + j * bStride;
    let ap = a;
    for (let i = 0; i < mPanels; i++) {
      const r0 = c + i * 4 * ldc + j * 4;
      const r1 = r0 + ldc;
      const r2 = r1 + ldc;
      const r3 = r2 + ldc;
      let c00 = f[r0]!;
      let c01 = f[r0 + 1]!;
      let c02 = f[r0 + 2]!;
      let c03 = f[r0 + 3]!;
      let c10 = f[r1]!;
      let c11 = f[r1 + 1]!;
      let c12 = f[r1 + 2]!;
      let c13 = f[r1 + 3]!;
      let c20 = f[r2]!;
      let c21 = f[r2 + 1]!;
      let c22 = f[r2 + 2]!;
      let c23 = f[r2 + 3]!;
      let c30 = f[r3]!;
      let c31 = f[r3 + 1]!;
      let c32 = f[r3 + 2]!;
      let c33 = f[r3 + 3]!;
      let bp = bPanel;
      for (let p = 0; p < kc; p++) {
        const a0 = f[ap]!;
        const a1 = f[ap + 1]!;
        const a2 = f[ap + 2]!;
        const a3 = f[ap + 3]!;
        const b0 = f[bp]!;
        const b1 = f[bp + 1]!;
        const b2 = f[bp + 2]!;
        const b3 = f[bp + 3]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
        ap += 4;
        bp += 4;
      }
      f[r0] = c00;
      f[r0 + 1] = c01;
      f[r0 + 2] = c02;
      f[r0 + 3] = c03;
      f[r1] = c10;
      f[r1 + 1] = c11;
      f[r1 + 2] = c12;
      f[r1 + 3] = c13;
      f[r2] = c20;
      f[r2 + 1] = c21;
      f[r2 + 2] = c22;
      f[r2 + 3] = c23;
      f[r3] = c30;
      f[r3 + 1] = c31;
      f[r3 + 2] = c32;
      f[r3 + 3] = c33;
    }
  }
}

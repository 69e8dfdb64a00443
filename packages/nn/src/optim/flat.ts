import type { Storage, Tensor } from '@ocellus/tensor';
import { gradientOf } from './parameters.js';

/** All parameters seen as one float64 vector (torch's LBFGS flattens the same way, in order). */
export class FlatView {
  readonly offsets: number[] = [];
  readonly length: number;

  constructor(readonly params: readonly Tensor[]) {
    let n = 0;
    for (const p of params) {
      this.offsets.push(n);
      n += p.size;
    }
    this.length = n;
  }

  /** Gradients as one vector; zeros for frozen parameters and missing gradients. */
  gradient(): Float64Array {
    const out = new Float64Array(this.length);
    this.params.forEach((p, i) => {
      const g = gradientOf(p);
      if (g) out.set(g, this.offsets[i]);
    });
    return out;
  }

  /** `x += t d` on the parameters' storage. */
  addScaled(t: number, d: Float64Array): void {
    this.params.forEach((p, i) => {
      const off = this.offsets[i]!;
      const x = p.data;
      for (let j = 0; j < x.length; j++) x[j]! += t * d[off + j]!;
    });
  }

  snapshot(): Storage[] {
    return this.params.map((p) => p.data.slice());
  }

  restore(saved: readonly Storage[]): void {
    this.params.forEach((p, i) => {
      p.data.set(saved[i]!);
    });
  }

  /** A flat vector cut into per-parameter copies (the state dict's per-parameter slots). */
  split(v: Float64Array): Float64Array[] {
    return this.params.map((p, i) => v.slice(this.offsets[i], this.offsets[i]! + p.size));
  }

  join(pieces: readonly (Float32Array | Float64Array | null)[], what: string): Float64Array {
    if (pieces.length !== this.params.length) {
      throw new Error(
        `loadStateDict: ${what} has ${pieces.length} entries for ${this.params.length} parameters`,
      );
    }
    const out = new Float64Array(this.length);
    this.params.forEach((p, i) => {
      const piece = pieces[i];
      if (!piece || piece.length !== p.size) {
        throw new Error(`loadStateDict: ${what}[${i}] must hold ${p.size} values`);
      }
      out.set(piece, this.offsets[i]);
    });
    return out;
  }
}

export const maxAbs = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

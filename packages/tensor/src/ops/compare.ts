import type { BinaryKind } from '../cpu/binary.js';
import { binaryForward } from './elementwise.js';
import { defineOp, input } from './op.js';

export type CompareKind = Extract<BinaryKind, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'>;

/** 1 where the comparison holds, 0 elsewhere; piecewise constant, so no gradient flows. */
export const compareOp = defineOp<{ kind: CompareKind }, Record<string, never>>({
  saves: [],
  differentiable: false,
  forward(inputs, { kind }) {
    return { out: binaryForward(kind, input(inputs, 0), input(inputs, 1)), saved: {} };
  },
  backward() {
    return [null, null];
  },
});

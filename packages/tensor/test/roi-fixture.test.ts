import { readFileSync } from 'node:fs';
import { type DType, roiAlign, roiPool, type Tensor, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

/** Written by fixtures/roi.py from torchvision; see that script for the RoIs and the cases. */
interface Stored {
  shape: number[];
  data: number[];
}
interface RoiCase {
  kind: 'pool' | 'align';
  dtype: DType;
  outputSize: [number, number];
  spatialScale: number;
  samplingRatio: number | null;
  aligned: boolean | null;
  rois: number[][];
  out: Stored;
  dx: Stored;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/roi.json', import.meta.url), 'utf8')) as {
  x: Stored;
  upstream: Record<string, Stored>;
  cases: RoiCase[];
};

/** max |a - e| over max(max |e|, 1): the error relative to the tensor's own scale. */
function scaledError(actual: Tensor | null, expected: Stored): number {
  if (!actual) throw new Error('missing gradient');
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.values();
  let err = 0;
  let scale = 1;
  expected.data.forEach((e, i) => {
    err = Math.max(err, Math.abs(a[i]! - e));
    scale = Math.max(scale, Math.abs(e));
  });
  return err / scale;
}

const title = (c: RoiCase) =>
  `${c.kind} ${c.outputSize.join('x')} scale ${c.spatialScale}` +
  (c.kind === 'align' ? ` sampling ${c.samplingRatio} aligned ${c.aligned}` : '') +
  ` [${c.dtype}]`;

// float64 agrees with torchvision to the fixture's 15 digits (measured 3e-15). float32 measured
// 1.5e-7 (a different summation order); computing the boxes in float64 instead of float gives 7e-7.
const tolerance: Record<DType, number> = { float64: 1e-12, float32: 4e-7 };

describe('roiPool and roiAlign against torchvision', () => {
  it.each(fixture.cases.map((c) => [title(c), c] as const))('%s', (_title, c) => {
    const x = tensor(fixture.x.data, fixture.x.shape, { dtype: c.dtype, requiresGrad: true });
    const rois = tensor(c.rois, undefined, { dtype: c.dtype });
    const options = { outputSize: c.outputSize, spatialScale: c.spatialScale };
    const out =
      c.kind === 'pool'
        ? roiPool(x, rois, options)
        : roiAlign(x, rois, { ...options, samplingRatio: c.samplingRatio!, aligned: c.aligned! });
    const upstream = fixture.upstream[c.outputSize.join('x')]!;
    out.backward(tensor(upstream.data, upstream.shape, { dtype: c.dtype }));
    expect(scaledError(out, c.out)).toBeLessThan(tolerance[c.dtype]);
    expect(scaledError(x.grad, c.dx)).toBeLessThan(tolerance[c.dtype]);
  });

  it('covers RoIs outside the map: some outputs are exactly zero and some are not', () => {
    for (const c of fixture.cases) {
      expect(c.out.data.some((v) => v === 0)).toBe(true);
      expect(c.out.data.some((v) => v !== 0)).toBe(true);
    }
  });
});

import { Rng, type Tensor, tensor } from '@ocellus/tensor';
import { MinMaxScale, Preprocessor, Standardize } from '@ocellus/vision/preprocessing';
import { describe, expect, it } from 'vitest';

/** Column c of an [N, D] tensor. */
const column = (t: Tensor, c: number) => {
  const [n, d] = t.shape as [number, number];
  const v = t.values();
  return Array.from({ length: n }, (_, i) => v[i * d + c]!);
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

/** 400 rows of 4 features with different centres and spreads, the last one constant. */
function features(seed: number, shift = 0): Tensor {
  const rng = new Rng(seed);
  const rows = Array.from({ length: 400 }, () => [
    5 + 2 * rng.normal() + shift,
    -1 + 0.1 * rng.normal() + shift,
    rng.uniform() * 10 + shift,
    3 + shift,
  ]);
  return tensor(rows);
}

describe('Standardize', () => {
  const train = features(1);

  it('gives each training feature mean 0 and std 1, and centres a constant one', () => {
    const y = Standardize.fit(train, 'feature').transform(train);
    for (let c = 0; c < 3; c++) {
      expect(mean(column(y, c))).toBeCloseTo(0, 5);
      expect(std(column(y, c))).toBeCloseTo(1, 5);
    }
    expect(column(y, 3).every((v) => v === 0)).toBe(true);
  });

  it('transforms other data with the training statistics only', () => {
    const s = Standardize.fit(train, 'feature');
    const test = features(2, 1);
    const y = s.transform(test);
    for (let c = 0; c < 3; c++) {
      const mu = mean(column(train, c));
      const sigma = std(column(train, c));
      column(y, c).forEach((v, i) => {
        expect(v).toBeCloseTo((column(test, c)[i]! - mu) / sigma, 4);
      });
    }
    expect(mean(column(y, 3))).toBeCloseTo(1, 6);
    expect(mean(column(y, 1))).toBeGreaterThan(5);
  });

  it('uses one mean and std per channel of [N, C, H, W] images by default', () => {
    const rng = new Rng(3);
    const images = tensor(
      Array.from(
        { length: 50 * 2 * 3 * 3 },
        (_, i) => (Math.floor(i / 9) % 2 === 0 ? 0.2 : 0.7) + 0.1 * rng.normal(),
      ),
      [50, 2, 3, 3],
    );
    const s = Standardize.fit(images);
    expect(s.mean).toHaveLength(2);
    expect(s.mean[0]).toBeCloseTo(0.2, 1);
    expect(s.mean[1]).toBeCloseTo(0.7, 1);
    const y = s.transform(images);
    expect(y.shape).toEqual([50, 2, 3, 3]);
    const values = Array.from(y.values());
    for (let ch = 0; ch < 2; ch++) {
      const inChannel = values.filter((_, i) => Math.floor(i / 9) % 2 === ch);
      expect(mean(inChannel)).toBeCloseTo(0, 5);
      expect(std(inChannel)).toBeCloseTo(1, 5);
    }
  });

  it('refuses data with other features than it was fitted on', () => {
    expect(() => Standardize.fit(train).transform(tensor([[1, 2, 3]]))).toThrow(/fitted on features \[4\]/);
  });
});

describe('MinMaxScale', () => {
  const train = features(4);

  it('maps each training feature onto [0, 1] and a constant one to 0', () => {
    const y = MinMaxScale.fit(train, 'feature').transform(train);
    for (let c = 0; c < 3; c++) {
      expect(Math.min(...column(y, c))).toBe(0);
      expect(Math.max(...column(y, c))).toBeCloseTo(1, 6);
    }
    expect(column(y, 3).every((v) => v === 0)).toBe(true);
  });

  it('maps new data by the training range, without clipping', () => {
    const s = MinMaxScale.fit(tensor([[0], [2], [4]]));
    expect(Array.from(s.transform(tensor([[-2], [1], [6]])).values())).toEqual([-0.5, 0.25, 1.5]);
  });

  it('uses the global range of flat features by default', () => {
    const y = MinMaxScale.fit(
      tensor([
        [0, 10],
        [5, 20],
      ]),
    ).transform(
      tensor([
        [0, 10],
        [5, 20],
      ]),
    );
    expect(Array.from(y.values())).toEqual([0, 0.5, 0.25, 1]);
  });

  it('refuses a serialised step of another kind and statistics that do not fit its groups', () => {
    const json = MinMaxScale.fit(train, 'feature').toJSON();
    expect(() => MinMaxScale.fromJSON({ ...json, kind: 'standardize' } as never)).toThrow(
      'expected a minmax step, got standardize',
    );
    expect(() => MinMaxScale.fromJSON({ ...json, max: [1] })).toThrow(
      'minmax: statistics of lengths [4, 1] for 4 groups',
    );
  });
});

describe('Preprocessor', () => {
  const train = features(5);

  it('standardises per channel by default, as the job spec does', () => {
    const p = Preprocessor.fit({}, train);
    const all = Array.from(p.transform(train).values());
    expect(mean(all)).toBeCloseTo(0, 5);
    expect(std(all)).toBeCloseTo(1, 5);
    expect(p.outputShape(7, [4])).toEqual([7, 4]);
  });

  it('passes data through with normalize none', () => {
    const p = Preprocessor.fit({ normalize: 'none' }, train);
    expect(p.transform(train)).toBe(train);
  });

  it('survives a JSON round trip with identical outputs and no tensors', () => {
    const test = features(6, 2);
    for (const spec of [{ normalize: 'standard', per: 'feature' }, { normalize: 'minmax' }] as const) {
      const p = Preprocessor.fit(spec, train);
      expect(p.tensors()).toEqual({});
      const copy = Preprocessor.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
      expect(Array.from(copy.transform(test).values())).toEqual(Array.from(p.transform(test).values()));
    }
  });

  it('refuses inconsistent JSON', () => {
    const json = Preprocessor.fit({ per: 'feature' }, train).toJSON();
    const broken = { ...json, normalize: { ...json.normalize!, mean: [1, 2] } };
    expect(() => Preprocessor.fromJSON(broken as typeof json)).toThrow(/lengths \[2, 4\] for 4 groups/);
  });
});

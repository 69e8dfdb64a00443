import { Rng, Tensor } from '@ocellus/tensor';
import { augmentation } from '@ocellus/vision/augment';
import { batches, gatherBatch, ImageDataset } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import { Preprocessor } from '@ocellus/vision/preprocessing';
import { describe, expect, it } from 'vitest';

const set = loadMnist();
const image = (index: number) => Array.from(set.images.subarray(index * 784, (index + 1) * 784));

describe('gatherBatch', () => {
  it('copies the listed images and labels into an [n, 1, 28, 28] tensor', () => {
    const batch = gatherBatch(set, [5, 1500, 9999]);
    expect(batch.inputs.shape).toEqual([3, 1, 28, 28]);
    expect(Array.from(batch.targets)).toEqual([0, 1, 9]);
    const values = batch.inputs.values();
    expect(Array.from(values.subarray(784, 1568))).toEqual(image(1500));
    expect(() => gatherBatch(set, [10000])).toThrow(/outside/);
  });
});

describe('ImageDataset', () => {
  const indices = Int32Array.from([3, 1200, 4000, 7000, 9990]);

  it('exposes the chosen indices by position', () => {
    const data = new ImageDataset(set, { indices });
    expect(data.size).toBe(5);
    expect(Array.from(data.labels())).toEqual([0, 1, 3, 6, 9]);
    const batch = data.batch(Int32Array.from([4, 1]), new Rng(0));
    expect(Array.from(batch.targets)).toEqual([9, 1]);
    expect(Array.from(batch.inputs.values().subarray(0, 784))).toEqual(image(9990));
    expect(() => data.batch(Int32Array.from([5]), new Rng(0))).toThrow(/outside \[0, 5\)/);
  });

  it('augments with the caller rng, then preprocesses', () => {
    const seen: number[] = [];
    const data = new ImageDataset(set, {
      indices,
      augment: (x, rng) => {
        seen.push(rng.uniform());
        return new Tensor(
          x.values().map((v) => 1 - v),
          x.shape,
        );
      },
      preprocess: {
        transform: (x) =>
          new Tensor(
            x.values().map((v) => v * 2),
            [x.shape[0]!, 784],
          ),
      },
    });
    const batch = data.batch(Int32Array.from([0]), new Rng(11));
    expect(seen).toEqual([new Rng(11).uniform()]);
    expect(batch.inputs.shape).toEqual([1, 784]);
    expect(Array.from(batch.inputs.values())).toEqual(
      image(3).map((v) => Math.fround(Math.fround(1 - v) * 2)),
    );
  });
});

describe('batches', () => {
  const data = new ImageDataset(set, { indices: Int32Array.from({ length: 23 }, (_, i) => i * 400) });
  const order = (seed: number, options = {}) =>
    [...batches(data, 5, new Rng(seed), options)].map((b) => Array.from(b.targets));

  it('visits every position once per epoch in a seeded order', () => {
    const epoch = [...batches(data, 5, new Rng(1))];
    expect(epoch.map((b) => b.size)).toEqual([5, 5, 5, 5, 3]);
    const firstPixels = epoch.flatMap((b) =>
      Array.from({ length: b.size }, (_, i) =>
        b.inputs
          .values()
          .subarray(i * 784, (i + 1) * 784)
          .join(),
      ),
    );
    const expected = Array.from({ length: 23 }, (_, i) => image(i * 400).join());
    expect(firstPixels.sort()).toEqual(expected.sort());
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
  });

  it('keeps file order without shuffling and can drop the last partial batch', () => {
    expect(order(0, { shuffle: false }).flat()).toEqual(Array.from(data.labels()));
    expect(order(0, { dropLast: true }).map((b) => b.length)).toEqual([5, 5, 5, 5]);
    expect(() => batches(data, 0, new Rng(0)).next()).toThrow(/batch size/);
  });
});

describe('a training pipeline from the package parts', () => {
  it('feeds augmented, standardised MNIST batches; evaluation data is left unaugmented', () => {
    const split = mnistSubset({ train: 200, validation: 50, test: 50, seed: 2 });
    const preprocess = Preprocessor.fit({ normalize: 'standard' }, gatherBatch(set, split.train).inputs);
    const augment = augmentation({ randomCrop: { padding: 2 } });
    const train = new ImageDataset(set, { indices: split.train, augment, preprocess });
    const test = new ImageDataset(set, { indices: split.test, preprocess });
    const epoch = (seed: number) =>
      [...batches(train, 64, new Rng(seed))].map((b) => Array.from(b.inputs.values()));
    expect(epoch(3)).toEqual(epoch(3));
    const first = [...batches(train, 64, new Rng(3))][0]!;
    expect(first.inputs.shape).toEqual([64, 1, 28, 28]);
    const all = Array.from(
      test
        .batch(
          Int32Array.from({ length: 50 }, (_, i) => i),
          new Rng(0),
        )
        .inputs.values(),
    );
    const plain = Array.from(preprocess.transform(gatherBatch(set, split.test).inputs).values());
    expect(all).toEqual(plain);
    const shifted = train.batch(Int32Array.from([0]), new Rng(5)).inputs.values();
    const unshifted = preprocess.transform(gatherBatch(set, split.train.subarray(0, 1)).inputs).values();
    expect(Array.from(shifted)).not.toEqual(Array.from(unshifted));
  });
});

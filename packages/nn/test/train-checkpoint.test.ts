import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '@ocellus/nn/train';
import { Rng, randn, Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';

function sample(): Checkpoint {
  const rng = new Rng(4);
  rng.normal();
  const weight = randn([3, 5], rng);
  const bias = randn([5], rng, { dtype: 'float64' });
  return {
    format: 1,
    epoch: 2,
    step: 7,
    seed: 42,
    batchSize: 16,
    model: { 'layer.weight': weight, 'layer.bias': bias },
    optimizer: {
      type: 'adam',
      step: 31,
      lr: 0.001,
      hyper: { beta1: 0.9, beta2: 0.999 },
      slots: { m: [Float32Array.from([1, 2, 3]), null], v: [new Float64Array([0.5]), null] },
    },
    rng: rng.getState(),
    history: [
      { epoch: 1, metrics: { loss: 2.3, val_accuracy: 0.5 } },
      { epoch: 2, metrics: { loss: Number.NaN, val_accuracy: Number.POSITIVE_INFINITY } },
    ],
    best: { epoch: 1, metric: 'val_accuracy', value: 0.5, metrics: { loss: 2.3, val_accuracy: 0.5 } },
    bestModel: { 'layer.weight': randn([3, 5], rng), 'layer.bias': randn([5], rng, { dtype: 'float64' }) },
    staleEpochs: 1,
    epochLoss: { sum: 12.5, examples: 112 },
  };
}

describe('checkpoint bytes', () => {
  it('round-trips tensors, optimiser slots, rng state, history and non-finite metrics exactly', () => {
    const original = sample();
    const bytes = encodeCheckpoint(original);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('OCCK');
    const back = decodeCheckpoint(bytes);
    for (const [name, t] of Object.entries(original.model)) {
      const u = back.model[name]!;
      expect(u).toBeInstanceOf(Tensor);
      expect(u.dtype).toBe(t.dtype);
      expect(u.shape).toEqual(t.shape);
      expect(Array.from(u.values())).toEqual(Array.from(t.values()));
    }
    expect(back.optimizer.slots['m']![0]).toBeInstanceOf(Float32Array);
    expect(Array.from(back.optimizer.slots['m']![0]!)).toEqual([1, 2, 3]);
    expect(back.optimizer.slots['m']![1]).toBeNull();
    expect(back.optimizer.slots['v']![0]).toBeInstanceOf(Float64Array);
    expect(back.rng).toEqual(original.rng);
    expect(back.history[1]!.metrics['loss']).toBeNaN();
    expect(back.history[1]!.metrics['val_accuracy']).toBe(Number.POSITIVE_INFINITY);
    const { model, bestModel, optimizer, history, ...rest } = back;
    const { model: m0, bestModel: b0, optimizer: o0, history: h0, ...rest0 } = original;
    expect(rest).toEqual(rest0);
    expect(Array.from(bestModel!['layer.bias']!.values())).toEqual(Array.from(b0!['layer.bias']!.values()));
  });

  it('gives a generator restored from the bytes the same future draws', () => {
    const rng = new Rng(9);
    rng.normal();
    const checkpoint = { ...sample(), rng: rng.getState() };
    const restored = new Rng(0);
    restored.setState(decodeCheckpoint(encodeCheckpoint(checkpoint)).rng);
    expect([restored.normal(), restored.uniform()]).toEqual([rng.normal(), rng.uniform()]);
  });

  it('stores tensor views as their own elements', () => {
    const base = randn([4, 4], new Rng(1));
    const view = new Tensor(base.data, [2, 2], [4, 1], 5);
    const back = decodeCheckpoint(encodeCheckpoint({ ...sample(), model: { v: view } }));
    expect(Array.from(back.model['v']!.values())).toEqual(Array.from(view.values()));
  });

  it('refuses bytes that are not a checkpoint, truncated or of another version', () => {
    const bytes = encodeCheckpoint(sample());
    expect(() => decodeCheckpoint(new Uint8Array(20))).toThrow(/bad magic/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 8))).toThrow(/too short/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 40))).toThrow(/truncated header/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated data/);
    const other = bytes.slice();
    new DataView(other.buffer).setUint32(4, 2, true);
    expect(() => decodeCheckpoint(other)).toThrow(/format version 2/);
  });
});

import { cnnSchema, defaultJobSpecSchema, type NetworkShape } from '@ocellus/contracts';
import { NetworkClassifier, prepareData } from '@ocellus/models';
import { Dropout, Dropout2d, type Sequential } from '@ocellus/nn/layers';
import type { Module } from '@ocellus/nn/module';
import { Rng } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/classify/network-builder.js';

const arch = cnnSchema.parse({
  type: 'cnn',
  layers: [
    { filters: 4, kernel: 3 },
    { filters: 6, kernel: 3 },
  ],
  fc: [8],
});

const shape = (regularization: Partial<NetworkShape>): NetworkShape => ({
  inputShape: [1, 12, 12],
  classes: 3,
  dropout: 0,
  init: 'he',
  ...regularization,
});

/** The drop probabilities of the backbone's channel dropout and the head's dropout layers. */
function dropouts(net: Sequential) {
  const [backbone, head] = net.namedChildren().map(([, child]) => child as Module);
  const of = (part: Module | undefined, kind: typeof Dropout) =>
    (part as Sequential)
      .namedChildren()
      .map(([, layer]) => layer)
      .filter((layer): layer is Dropout => layer instanceof kind)
      .map((layer) => layer.p);
  return {
    conv: of(backbone, Dropout2d),
    fc: of(head, Dropout),
  };
}

describe("a conv stack's channel dropout (regularization.convDropout)", () => {
  it('follows convDropout when given, apart from the FC layers’ dropout', () => {
    expect(dropouts(buildNetwork(arch, shape({ dropout: 0.5, convDropout: 0.3 }), new Rng(1)))).toEqual({
      conv: [0.3, 0.3],
      fc: [0.5],
    });
  });

  it('is half the FC dropout for a shape that names none, as manifests written before it were built', () => {
    expect(dropouts(buildNetwork(arch, shape({ dropout: 0.4 }), new Rng(1)))).toEqual({
      conv: [0.2, 0.2],
      fc: [0.4],
    });
  });

  it('is left out of the stack at 0 while the FC layers keep theirs', () => {
    expect(dropouts(buildNetwork(arch, shape({ dropout: 0.4, convDropout: 0 }), new Rng(1)))).toEqual({
      conv: [],
      fc: [0.4],
    });
  });

  it('is recorded in a trained model’s manifest, resolved when the spec names none', async () => {
    const spec = (regularization: object) =>
      defaultJobSpecSchema.parse({
        task: 'classify',
        model: 'digits-conv-dropout',
        architecture: { type: 'cnn', layers: [{ filters: 2, kernel: 3 }], fc: [] },
        dataset: { name: 'mnist', train: 64, validation: 16, test: 16, seed: 4 },
        regularization,
        schedule: { epochs: 1, batchSize: 32 },
        seed: 5,
      });
    const network = async (regularization: object) => {
      const { data } = prepareData(spec(regularization));
      const model = NetworkClassifier.create(spec(regularization), data);
      await model.fit(data, spec(regularization), {});
      return model.toArtifact().architecture.network as NetworkShape;
    };
    expect(await network({ dropout: 0.3, convDropout: 0.05 })).toMatchObject({
      dropout: 0.3,
      convDropout: 0.05,
    });
    expect(await network({ dropout: 0.3 })).toMatchObject({ dropout: 0.3, convDropout: 0.15 });
  });

  it('is refused outside [0, 1)', () => {
    const parse = (convDropout: number) =>
      defaultJobSpecSchema.safeParse({
        task: 'classify',
        model: 'digits-conv-dropout',
        architecture: { type: 'cnn' },
        dataset: { name: 'mnist' },
        regularization: { convDropout },
      }).success;
    expect([parse(0), parse(0.5), parse(1), parse(-0.1)]).toEqual([true, true, false, false]);
  });
});

// For the scripts that score a model's test outputs again (postprocess.js, errors.js, caption/errors.js,
// caption/photo.js):
// their command line, and a registered model's production version with its outputs on the first `scenes`
// test-split scenes of its own spec's data.
import { DEFAULT_REGISTRY_ROOT } from '@ocellus/api';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { modelFromArtifact, prepareData } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';

/** The script's model name (its first argument) and an `option(name)` reader; exits with `usage` without a model. */
export function detectorArguments(usage) {
  const argv = process.argv.slice(2);
  const option = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const name = argv[0];
  if (name === undefined || name.startsWith('--')) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return { argv, name, option };
}

/**
 * A registered model's production version, loaded, with its own spec's data: `counts` over the spec's
 * dataset counts (e.g. `{ test: 500 }`).
 */
export async function productionModel(name, registryRoot = DEFAULT_REGISTRY_ROOT, counts = {}) {
  const registry = openRegistry(registryRoot);
  const version = (await registry.aliases(name)).production;
  const { manifest, tensors } = await registry.load(name, version);
  const stored = defaultJobSpecSchema.parse(manifest.extra.spec);
  const { data, test } = prepareData({ ...stored, dataset: { ...stored.dataset, ...counts } });
  return { manifest, version, model: modelFromArtifact(manifest, tensors), data, test };
}

export async function testDetections(
  name,
  registryRoot = DEFAULT_REGISTRY_ROOT,
  scenes = 500,
  predictOptions = {},
) {
  const loaded = await productionModel(name, registryRoot, { train: 1, validation: 1, test: scenes });
  const { model, data, test } = loaded;
  const outputs = [];
  for (let start = 0; start < test.length; start += 8) {
    outputs.push(
      ...model.predict(gatherBatch(data.set, test.subarray(start, start + 8)).inputs, predictOptions),
    );
  }
  return { ...loaded, outputs, targets: data.targets(test) };
}

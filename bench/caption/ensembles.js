// `node bench/caption/ensembles.js [--registry dir] [--model name] [--versions 5,6,7 | --sets 5+6,5+6+7]
// [--validation N] [--scenes N]`: published captioners alone and every ensemble of two or more of them
// (`captioner-ensemble`, decoded greedily), or with `--sets` those ensembles and their members alone, scored
// side by side: exact match on the first N validation scenes (default 1,000; the held-out digits no
// member trained on, so the scenes an ensemble is chosen on) and exact match and BLEU-4 on the first N test
// scenes (default 500), of the first version's spec's data. The members must be published captioners of one
// vocabulary, input and attention grid.
import { DEFAULT_REGISTRY_ROOT } from '@ocellus/api';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { CaptionerEnsemble, modelFromArtifact, predictAll, prepareData, scorers } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { textTable } from '../text-table.js';

const USAGE =
  'node bench/caption/ensembles.js [--registry dir] [--model name] [--versions 5,6,7 | --sets 5+6,5+6+7] [--validation N] [--scenes N]';
const argv = process.argv.slice(2);
const option = (flag) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const fail = (message) => {
  process.stderr.write(`${message}\nusage: ${USAGE}\n`);
  process.exit(2);
};
const count = (flag, fallback) => {
  const n = Number(option(flag) ?? fallback);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} takes a whole number of scenes`);
  return n;
};
const name = option('--model') ?? 'digits-captioner';
const isVersion = (v) => Number.isInteger(v) && v >= 1;
const sets = option('--sets')
  ?.split(',')
  .map((set) => set.split('+').map(Number));
if (sets?.some((set) => set.length < 2 || !set.every(isVersion)))
  fail('--sets takes ensembles of two or more published versions joined by +, comma separated');
const versions = sets
  ? [...new Set(sets.flat())].sort((a, b) => a - b)
  : (option('--versions') ?? '5,6,7').split(',').map(Number);
if (versions.length < 2 || !versions.every(isVersion))
  fail('--versions takes two or more published versions, comma separated');
const [validationScenes, testScenes] = [count('--validation', 1000), count('--scenes', 500)];

const registry = openRegistry(option('--registry') ?? DEFAULT_REGISTRY_ROOT);
const members = [];
for (const version of versions) {
  const { manifest, tensors } = await registry.load(name, version);
  if (manifest.architecture.type !== 'captioner') fail(`${name} ${version} is not a captioner`);
  members.push({ model: name, version, captioner: modelFromArtifact(manifest, tensors), manifest });
}
const stored = defaultJobSpecSchema.parse(members[0].manifest.extra.spec);
const { data, test } = prepareData({
  ...stored,
  dataset: { ...stored.dataset, train: 1, validation: validationScenes, test: testScenes },
});

/** Every subset of `items` with at least one member, singles first, in order. */
const subsets = (items) =>
  Array.from({ length: 2 ** items.length - 1 }, (_, mask) =>
    items.filter((_, i) => ((mask + 1) >> i) & 1),
  ).sort((a, b) => a.length - b.length);

const { height, width } = data.set;
/** Greedy decoding of `indices` by `model`, 16 images at a time, scored. */
const score = (model, indices) => {
  const { outputs, targets } = predictAll(model, data, indices, 16);
  return scorers.caption(outputs, targets, { labels: model.labels, height, width }).metrics;
};
const percent = (x) => `${(100 * x).toFixed(1)}%`;
const chosenSets = sets
  ? [...members.map((m) => [m]), ...sets.map((set) => set.map((v) => members.find((m) => m.version === v)))]
  : subsets(members);
const rows = chosenSets.map((chosen) => {
  const model = chosen.length === 1 ? chosen[0].captioner : CaptionerEnsemble.fromMembers(chosen);
  const [validation, scored] = [score(model, data.validation), score(model, test)];
  return [
    chosen.map((m) => m.version).join(' + '),
    percent(validation.testExactMatch),
    percent(scored.testExactMatch),
    scored.testBleu4.toFixed(4),
  ];
});
process.stdout.write(
  `node bench/caption/ensembles.js ${argv.join(' ')}: ${name}, ${data.validation.length} validation and ` +
    `${test.length} test scenes, greedy\n` +
    `${textTable(['versions', 'validation exact', 'test exact', 'test BLEU-4'], rows)}\n`,
);

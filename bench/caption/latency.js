// `node bench/caption/latency.js [--registry dir]... [--model name] [--timed N] [--rounds R] [--beam K]`: ms per
// caption of the production captioner (default `digits-captioner`) of each registry given (default the shipped
// models/), greedy or beam K, at batch 1 and 8 on its spec's first 64 test scenes. The registries are timed
// side by side: R rounds (default 3), each timing every one in turn (median of N calls, default 20), and the
// median of the rounds, so that load from other jobs weighs on them alike; the last column is each one's
// time at batch 1 over the first registry's.
import { DEFAULT_REGISTRY_ROOT } from '@ocellus/api';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { modelFromArtifact, prepareData } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { defaultThreads } from '@ocellus/tensor/runtime';
import { textTable } from '../text-table.js';
import { median, msPerCaption } from './timing.js';

const argv = process.argv.slice(2);
const values = (name) =>
  argv.flatMap((a, i) => (a === name && argv[i + 1] !== undefined ? [argv[i + 1]] : []));
const option = (name, fallback) => values(name).at(-1) ?? fallback;
const roots = values('--registry');
if (roots.length === 0) roots.push(DEFAULT_REGISTRY_ROOT);
const name = option('--model', 'digits-captioner');
const timed = Number(option('--timed', 20));
const rounds = Number(option('--rounds', 3));
const beam = Number(option('--beam', 1));

const models = [];
for (const root of roots) {
  const registry = openRegistry(root);
  const version = (await registry.aliases(name)).production;
  const { manifest, tensors } = await registry.load(name, version);
  models.push({ root, version, model: modelFromArtifact(manifest, tensors), spec: manifest.extra.spec });
}
const stored = defaultJobSpecSchema.parse(models[0].spec);
const { data, test } = prepareData({
  ...stored,
  dataset: { ...stored.dataset, train: 1, validation: 1, test: 64 },
});
const samples = models.map(() => ({ 1: [], 8: [] }));
for (let round = 0; round < rounds; round++) {
  models.forEach(({ model }, i) => {
    for (const batch of [1, 8])
      samples[i][batch].push(msPerCaption(model, data.set, test, batch, timed, { beam }));
  });
}
const rows = models.map(({ root, version }, i) => [
  median(samples[i][1]),
  median(samples[i][8]),
  root,
  version,
]);
process.stdout.write(
  `node bench/caption/latency.js ${argv.join(' ')}: ${name}, ${beam === 1 ? 'greedy' : `beam ${beam}`}, ` +
    `${test.length} test scenes, ${defaultThreads} threads, ${rounds} rounds of ${timed} calls\n` +
    `${textTable(
      [
        'registry',
        'version',
        'ms / caption (batch 1)',
        'ms / caption (batch 8)',
        'batch 1 against the first',
      ],
      rows.map(([b1, b8, root, version]) => [
        root,
        String(version),
        b1.toFixed(2),
        b8.toFixed(2),
        `${(b1 / rows[0][0]).toFixed(2)}x`,
      ]),
    )}\n`,
);

// `npm run bench:caption [-- --json] [-- --spec file] [-- --train N] [-- --validation N] [-- --epochs E]
// [-- --test N] [-- --seed S] [-- --timed N] [-- --only rnn,lstm+attention] [-- --registry dir]`:
// issue 16's captioner ablation. Four variants of one captioner job spec (the built-in one of variants.js
// unless `--spec`), RNN or LSTM, with or without soft attention, and nothing else different: the same data,
// seed, epochs and batch size. Each is trained in this process, one after another, by `runTrainingJob` into
// a registry (a temporary one, removed at the end, unless `--registry`), whose test evaluation gives exact
// match and BLEU; then each published version is loaded back and its greedy captions timed per caption at
// batch 1 and batch 8 (median over `--timed` calls, default 50, after a warm-up) on its test scenes.
// The table shows exact match per caption length (words) beside the corpus figures, and exact match on
// photo-like uploads of the same test scenes through the upload path.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelFromArtifact, prepareData, runTrainingJob } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { defaultThreads } from '@ocellus/tensor/runtime';
import { textTable } from '../text-table.js';
import { photoMetrics } from './photo-metrics.js';
import { msPerCaption } from './timing.js';
import { baseSpec, selectVariants, variantSpec } from './variants.js';

const argv = process.argv.slice(2);
const USAGE = `npm run bench:caption [-- --json] [-- --spec file] [-- --train N] [-- --validation N]
    [-- --epochs E] [-- --test N] [-- --seed S] [-- --timed N] [-- --only rnn,lstm+attention] [-- --registry dir]
  The captioner ablation: RNN vs LSTM, with vs without attention, on the same data and budget
  (defaults: train 2000, epochs 4, test 500, the base spec's validation and seed): test exact match,
  BLEU-1, BLEU-4, train time, ms per greedy caption at batch 1 and 8.`;
if (argv.includes('--help')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const count = (name, fallback) => {
  const text = option(name);
  return text === undefined ? fallback : Number(text);
};
const json = argv.includes('--json');
const timed = count('--timed', 50);
const budget = {
  train: count('--train', 2000),
  validation: count('--validation', undefined),
  epochs: count('--epochs', 4),
  test: count('--test', 500),
  seed: count('--seed', undefined),
};
const log = (line) => process.stderr.write(`${line}\n`);

let variants;
let specs;
try {
  variants = selectVariants(option('--only'));
  const base = await baseSpec(option('--spec'));
  specs = variants.map((variant) => variantSpec(base, variant, budget));
} catch (error) {
  log(`${error.message}\n${USAGE}`);
  process.exit(2);
}
const keep = option('--registry');
const root = keep ?? (await mkdtemp(join(tmpdir(), 'ocellus-bench-caption-')));
const registry = openRegistry(root);
const machine = {
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  threads: defaultThreads,
  loadAverage: loadavg()[0],
};
const command = `npm run bench:caption -- ${argv.join(' ')}`.trim();
log(command);
log(
  `${machine.cores} cores (${machine.cpu}), ${machine.threads} threads, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}`,
);

const rows = [];
try {
  const published = [];
  for (const [i, spec] of specs.entries()) {
    const { name } = variants[i];
    const { dataset, schedule } = spec;
    log(
      `${name}: training ${spec.model} on ${dataset.train} scenes (validation ${dataset.validation}, test ${dataset.test}), ` +
        `epochs ${schedule.epochs}, batch ${schedule.batchSize}, seed ${spec.seed}, into ${root}`,
    );
    const { manifest } = await runTrainingJob(spec, {
      registry,
      jobId: null,
      onLog: (line) => log(`  ${name}: ${line}`),
    });
    published.push(manifest);
  }
  // Timed after every variant has trained, close together, so that a change in the machine's load
  // during the trainings weighs on them alike. The test scenes are the jobs' own (same spec, same seeds).
  const { data, test } = prepareData({
    ...specs[0],
    dataset: { ...specs[0].dataset, train: 1, validation: 1 },
  });
  for (const [i, { name, version }] of published.entries()) {
    const { manifest, tensors } = await registry.load(name, version);
    const model = modelFromArtifact(manifest, tensors);
    // Every stored value: the trained parameters and the batch-norm running statistics.
    const weights = Object.values(tensors).reduce((sum, t) => sum + t.data.length, 0);
    const weightsBytes = (await stat(registry.weightsPath(name, version))).size;
    log(`${variants[i].name}: timing ${name} v${version} on ${test.length} test scenes`);
    const msBatch1 = msPerCaption(model, data.set, test, 1, timed);
    const msBatch8 = msPerCaption(model, data.set, test, 8, timed);
    log(`${variants[i].name}: photo-like uploads of the ${test.length} test scenes`);
    const photo = await photoMetrics(model, data, test);
    const { metrics } = manifest;
    rows.push({
      variant: variants[i].name,
      cell: variants[i].cell,
      attention: variants[i].attention,
      model: name,
      version,
      weights,
      weightsBytes,
      epochs: metrics.epochs,
      trainSeconds: metrics.trainSeconds,
      testExactMatch: metrics.testExactMatch,
      testBleu1: metrics.testBleu1,
      testBleu4: metrics.testBleu4,
      exactByLength: manifest.extra?.exactByLength ?? [],
      msBatch1,
      msBatch8,
      metrics,
      photo,
    });
  }
} finally {
  if (keep === undefined) await rm(root, { recursive: true, force: true });
}

const [first] = specs;
const setup = {
  dataset: first.dataset,
  schedule: first.schedule,
  optimizer: first.optimizer,
  seed: first.seed,
  architecture: { ...first.architecture, cell: undefined, attention: undefined },
  timed,
};
if (json) {
  process.stdout.write(`${JSON.stringify({ command, machine, setup, rows }, null, 2)}\n`);
} else {
  const percent = (v) => (v === undefined ? '-' : `${(100 * v).toFixed(1)}%`);
  const fixed = (v) => (v === undefined ? '-' : v.toFixed(4));
  const duration = (s) =>
    s === undefined ? '-' : s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
  const header = [
    'variant',
    'weights',
    'exact',
    'BLEU-1',
    'BLEU-4',
    'exact by words',
    'photo-like exact',
    'train time',
    'ms/caption @1',
    'ms/caption @8',
  ];
  const lines = rows.map((r) => [
    r.variant,
    String(r.weights),
    percent(r.testExactMatch),
    fixed(r.testBleu1),
    fixed(r.testBleu4),
    r.exactByLength.map((l) => `${l.words}: ${percent(l.exact)}`).join(' '),
    percent(r.photo.testExactMatch),
    duration(r.trainSeconds),
    r.msBatch1.toFixed(2),
    r.msBatch8.toFixed(2),
  ]);
  const { dataset, schedule } = first;
  const about = [
    command,
    `${machine.cores} cores (${machine.cpu}), ${machine.threads} threads, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)} at the start`,
    `${dataset.name}: ${dataset.train} train, ${dataset.validation} validation, ${dataset.test} test scenes; ` +
      `epochs ${schedule.epochs}, batch ${schedule.batchSize}, seed ${first.seed}; greedy captions, median of ${timed} calls`,
  ];
  process.stdout.write(`${[...about, '', textTable(header, lines)].join('\n')}\n`);
}

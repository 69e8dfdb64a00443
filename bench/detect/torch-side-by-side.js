// `npm run bench:detect -- --torch`: Ocellus's Faster R-CNN side by side with torchvision's FasterRCNN built to
// the same spec (torch_faster_rcnn.py), on the same seeded test-split 128x128 digit scenes, in one run.
// Each round, each side starts from fresh seeded weights and times 8 training steps of 4 scenes (3 warm-up,
// 5 timed; the spec's optimiser), then inference at batch 1 and 8 with the weights Ocellus's steps left
// (loaded into torchvision's model, so both propose, pool and keep the same boxes), and counts the RoIs its
// box head pooled and the detections it kept. Ocellus runs in this process on its default threads (the GEMM
// pool); PyTorch at 1 and 2 threads, one child each. Figures are medians over rounds; ratios are Ocellus /
// PyTorch time (below 1: Ocellus faster).
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultThreads } from '@ocellus/tensor/runtime';
import { MNIST_LABELS } from '@ocellus/vision/mnist';
import { median } from '../lenet/harness.js';
import { blasLine, INSTALL_OPENBLAS, PYTHON, torchEnv } from '../lenet/pytorch.js';
import { lineChild } from '../lenet/remote.js';
import {
  benchScenes,
  inferSeconds,
  roisAndDetections,
  scenesForPython,
  TIMED_STEPS,
  timingSpec,
  trainedModel,
  WARM_STEPS,
  weightsForPython,
} from './faster-rcnn-ocellus.js';

export const TORCH_USAGE = `npm run bench:detect -- --torch [--json] [--rounds N] [--budget S] [--scenes N]
    [--seed N] [--spec file]
  Faster R-CNN, Ocellus against torchvision's FasterRCNN (Debian's /usr/bin/python3 with python3-torchvision),
  built to the same spec (default models/specs/digits-faster-rcnn.json), on the same --scenes (default 32,
  at least 32) test-split 128x128 scenes of --seed (default 1): ms per scene (wall, and CPU over all
  threads) of a 4-scene training step and of inference at batch 1 and 8 (PyTorch with Ocellus's weights, so both do the same work), RoIs
  pooled and detections kept per scene, Ocellus / PyTorch ratios (none when PyTorch runs on the reference
  BLAS). --rounds (default 2) repeats everything; --budget (default 2) is the seconds of timed inference
  calls per batch size and round.`;

const TRAIN_BATCH = 4;
const STEPS = WARM_STEPS + TIMED_STEPS;
const INFER_BATCHES = [1, 8];
const TORCH_THREADS = [1, 2];
const SCRIPT = fileURLToPath(new URL('./torch_faster_rcnn.py', import.meta.url));
const DEFAULT_SPEC = fileURLToPath(new URL('../../models/specs/digits-faster-rcnn.json', import.meta.url));
const log = (line) => process.stderr.write(`${line}\n`);

const hasTorchvision = () =>
  spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;

/** One round of the Ocellus side: a fresh model trained (timed), then its inference timed and its work counted. */
async function ocellusRound(spec, scenes, budget) {
  const { model, stepSeconds, cpuSeconds } = await trainedModel(spec, scenes, STEPS);
  const result = { train: median(stepSeconds) / TRAIN_BATCH, trainCpu: cpuSeconds / TRAIN_BATCH };
  for (const b of INFER_BATCHES) {
    const m = await inferSeconds(model, scenes, b, budget);
    Object.assign(result, { [`infer${b}`]: m.seconds, [`infer${b}Cpu`]: m.cpuSeconds });
  }
  Object.assign(result, roisAndDetections(model, scenes, Math.max(...INFER_BATCHES)));
  return { model, result };
}

/** Seconds per scene each side reports (wall: medians; CPU: means over all its threads) and their headings. */
const TIMES = [
  ['infer1', 'infer ms/scene @1'],
  ['infer8', '@8'],
  ['train', 'train ms/scene @4'],
  ['infer1Cpu', 'CPU ms/scene: infer @1'],
  ['infer8Cpu', '@8'],
  ['trainCpu', 'train'],
];
const COUNTS = [
  ['roisPerScene', 'RoIs/scene'],
  ['detectionsPerScene', 'dets/scene'],
];

/** Each figure's median over the rounds' results. */
const medians = (results) =>
  Object.fromEntries([...TIMES, ...COUNTS].map(([f]) => [f, median(results.map((r) => r[f]))]));

const row = (impl, threads, m) => ({
  impl,
  threads,
  ms_per_scene: Object.fromEntries(TIMES.map(([f]) => [f, Number((m[f] * 1e3).toFixed(2))])),
  ...Object.fromEntries(COUNTS.map(([f]) => [f, m[f]])),
});

function render(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}

function printTable(report) {
  const { scenes, rounds, load } = report;
  const what = `${scenes.count} test-split ${scenes.size} scenes (seed ${scenes.seed})`;
  console.log(`\nFaster R-CNN ${report.spec}, ${what}, median of ${rounds} round(s)`);
  const header = ['impl/threads', ...TIMES.map(([, h]) => h), ...COUNTS.map(([, h]) => h)];
  const lines = report.rows.map((r) => [
    `${r.impl}/${r.threads}`,
    ...TIMES.map(([f]) => r.ms_per_scene[f].toFixed(2)),
    ...COUNTS.map(([f]) => r[f].toFixed(1)),
  ]);
  console.log(render(header, lines));
  if (report.ratios.length > 0) {
    console.log('\nOcellus / PyTorch, per scene (below 1: Ocellus faster)');
    const ratioLines = report.ratios.map((r) => [r.vs, ...TIMES.map(([f]) => `${r[f]}x`)]);
    console.log(render(['', ...TIMES.map(([, h]) => h)], ratioLines));
  }
  if (report.pytorch) console.log(blasLine(report.pytorch.blas));
  console.log(`targets: ${JSON.stringify(report.targets)}`);
  console.log(`load average (1, 5, 15 min): before ${load.before.join(' ')}, after ${load.after.join(' ')}`);
}

export async function sideBySide(argv) {
  const option = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rounds = Number(option('--rounds') ?? 2);
  const budget = Number(option('--budget') ?? 2);
  const count = Number(option('--scenes') ?? 32);
  const seed = Number(option('--seed') ?? 1);
  const specPath = option('--spec') ?? DEFAULT_SPEC;
  if (!(count >= STEPS * TRAIN_BATCH))
    throw new RangeError(`--scenes must be at least ${STEPS * TRAIN_BATCH}`);
  const before = loadavg().map((v) => Number(v.toFixed(2)));
  const spec = timingSpec(JSON.parse(await readFile(specPath, 'utf8')), TRAIN_BATCH);
  const scenes = benchScenes(count, seed);
  const torchThreads = hasTorchvision() ? TORCH_THREADS : [];
  if (torchThreads.length === 0) log(`${PYTHON} cannot import torchvision: Ocellus alone`);

  const dir = await mkdtemp(join(tmpdir(), 'ocellus-faster-rcnn-'));
  const file = (name) => join(dir, name);
  const children = new Map();
  const results = { ocellus: [], torch: new Map(torchThreads.map((t) => [t, []])) };
  try {
    const { pixels, meta } = scenesForPython(scenes);
    await writeFile(file('spec.json'), JSON.stringify(spec));
    await writeFile(file('pixels.f32'), pixels);
    await writeFile(file('scenes.json'), JSON.stringify(meta));
    const args = [SCRIPT, file('spec.json'), file('pixels.f32'), file('scenes.json')];
    const ask = JSON.stringify({
      batch: TRAIN_BATCH,
      budget,
      inferBatches: INFER_BATCHES,
      classes: MNIST_LABELS.length,
      weights: { values: file('weights.f32'), names: file('weights.json') },
    });
    for (let round = 0; round < rounds; round++) {
      log(`round ${round + 1}/${rounds}`);
      const { model, result } = await ocellusRound(spec, scenes, budget);
      results.ocellus.push(result);
      log(`  ocellus/${defaultThreads}: ${JSON.stringify(result)}`);
      const weights = weightsForPython(model);
      await writeFile(file('weights.f32'), weights.values);
      await writeFile(file('weights.json'), JSON.stringify(weights.names));
      for (const t of torchThreads) {
        if (!children.has(t)) children.set(t, await lineChild(PYTHON, [...args, String(t)], torchEnv(t)));
        const answer = await children.get(t).ask(ask);
        results.torch.get(t).push(answer);
        log(`  pytorch/${t}: ${JSON.stringify(answer)}`);
      }
    }
  } finally {
    for (const c of children.values()) c.close();
    await rm(dir, { recursive: true, force: true });
  }

  const ours = medians(results.ocellus);
  const torch = torchThreads.map((t) => [t, medians(results.torch.get(t))]);
  const rows = [row('ocellus', defaultThreads, ours), ...torch.map(([t, m]) => row('pytorch', t, m))];
  const hello = children.values().next().value?.hello;
  const honest = hello?.blas?.optimised === true;
  if (hello && !honest) log(INSTALL_OPENBLAS);
  const ratios = honest
    ? torch.map(([t, m]) => ({
        vs: `ocellus/${defaultThreads} : pytorch/${t}`,
        ...Object.fromEntries(TIMES.map(([f]) => [f, Number((ours[f] / m[f]).toFixed(2))])),
      }))
    : [];
  // Issue 14's targets, wall time at Ocellus's thread count on both sides.
  const same = ratios[torchThreads.indexOf(defaultThreads)];
  const targets = {
    infer_at_most_pytorch: same ? same.infer1 <= 1 && same.infer8 <= 1 : null,
    train_within_1_5x_pytorch: same ? same.train <= 1.5 : null,
  };
  const report = {
    command: `npm run bench:detect -- ${argv.join(' ')}`,
    spec: spec.model,
    scenes: { count, seed, split: 'test', size: `${scenes.set.width}x${scenes.set.height}` },
    steps: { warm: WARM_STEPS, timed: TIMED_STEPS, batch: TRAIN_BATCH, optimizer: spec.optimizer.type },
    rounds,
    budget_s: budget,
    rows,
    ratios,
    targets,
    pytorch: hello ? { torch: hello.torch, torchvision: hello.torchvision, blas: hello.blas } : null,
    load: { before, after: loadavg().map((v) => Number(v.toFixed(2))) },
  };
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printTable(report);
}

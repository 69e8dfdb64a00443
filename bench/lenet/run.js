// `npm run bench:lenet [-- --json] [-- --quick] [-- --rounds N] [-- --only impl,impl] [-- --baseline <dir>]`:
// LeNet-5 (28x28x1, batch 64, SGD) training steps, batch-64 inference and batch-1 latency for Ocellus (1 and
// 2 threads, each in its own child process) and its peers, side by side in one run. Rounds interleave the
// implementations; each figure is the median over rounds. Ratios use Ocellus's best thread count. PyTorch
// reports the BLAS it runs on; against the reference BLAS no ratio is printed (see INSTALL_OPENBLAS).
// `--baseline` adds Ocellus on another build of @ocellus/tensor (a copy of packages/tensor with its dist),
// for before/after ratios in the same run.
import { LENET } from './data.js';
import { median, timeCalls } from './harness.js';
import { ocellusBaseline, ocellusRemote, oursLogits } from './ocellus.js';
import { onnxLogits, onnxruntime } from './onnx.js';
import { blasLine, INSTALL_OPENBLAS, pytorch } from './pytorch.js';
import { tfjsCpu, tfjsWasm } from './tfjs.js';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const json = flag('--json');
const quick = flag('--quick');
const rounds = Number(option('--rounds') ?? (quick ? 1 : 3));
const only = option('--only')?.split(',');
const baselineDir = option('--baseline');
const baseline = baselineDir ? ocellusBaseline(baselineDir) : null;
/** Seconds of timed calls per measurement and round. */
const budget = quick ? 0.3 : 1;
const BATCH = 64;

const log = (line) => process.stderr.write(`${line}\n`);
const impls = [ocellusRemote, baseline, tfjsWasm, tfjsCpu, onnxruntime, pytorch].filter(
  (impl) =>
    impl !== null && (impl === baseline || !only || only.includes(impl.impl)) && (impl.available?.() ?? true),
);

/** [mode, batch]: what each implementation is measured at. */
const cases = [
  ['train', BATCH],
  ['infer', BATCH],
  ['infer', 1],
];

const key = (impl, threads, mode, batch) => `${impl}/${threads}/${mode}/${batch}`;
/** key -> { prepared, seconds: [] } or { error } */
const runs = new Map();

async function measureOnce(impl, threads, mode, batch) {
  const k = key(impl.impl, threads, mode, batch);
  let entry = runs.get(k);
  if (!entry) {
    try {
      entry = { prepared: await impl[mode](batch, threads), seconds: [] };
    } catch (error) {
      entry = { error: String(error?.message ?? error).split('\n')[0] };
    }
    runs.set(k, entry);
  }
  if (entry.error || entry.slow) return;
  try {
    const { prepared } = entry;
    await prepared.activate?.();
    const seconds = prepared.measured
      ? (await prepared.measured(budget)).seconds
      : await timeCalls(prepared.run, budget);
    entry.seconds.push(seconds);
    // A call slower than the whole budget (tfjs-cpu training) is measured in the first round only.
    if (seconds > budget) entry.slow = true;
    log(`  ${k}: ${(seconds * 1e3).toFixed(3)} ms`);
  } catch (error) {
    entry.error = String(error?.message ?? error).split('\n')[0];
  }
}

for (let round = 0; round < rounds; round++) {
  log(`round ${round + 1}/${rounds}`);
  for (const impl of impls) {
    for (const threads of impl.threads()) {
      for (const [mode, batch] of cases) {
        if (!impl[mode]) continue;
        await measureOnce(impl, threads, mode, batch);
      }
    }
  }
}
for (const entry of runs.values()) await entry.prepared?.dispose();
ocellusRemote.close();
baseline?.close();
pytorch.close();
const torchBlas = pytorch.hello()?.blas ?? null;
const torchHonest = torchBlas?.optimised === true;
if (torchBlas && !torchHonest) log(INSTALL_OPENBLAS);

const results = [];
for (const impl of impls) {
  for (const threads of impl.threads()) {
    for (const [mode, batch] of cases) {
      const entry = runs.get(key(impl.impl, threads, mode, batch));
      if (!entry) continue;
      if (entry.error || entry.seconds.length === 0) {
        results.push({ impl: impl.impl, threads, mode, batch, error: entry.error ?? 'no sample' });
        continue;
      }
      const seconds = median(entry.seconds);
      results.push({
        impl: impl.impl,
        threads,
        mode,
        batch,
        images_per_s: Number((batch / seconds).toFixed(1)),
        latency_ms: Number((seconds * 1e3).toFixed(4)),
      });
    }
  }
}

const find = (impl, threads, mode, batch) =>
  results.find((r) => r.impl === impl && r.threads === threads && r.mode === mode && r.batch === batch);
const ratio = (x, y) => (x && y ? Number((x / y).toFixed(2)) : null);

/** Ocellus's best figure over its thread counts: [value, threads]. */
function oursBest(mode, batch, field, better) {
  let best = null;
  for (const t of ocellusRemote.threads()) {
    const v = find('ocellus', t, mode, batch)?.[field];
    if (v !== undefined && (best === null || better(v, best[0]))) best = [v, t];
  }
  return best;
}
const higher = (a, b) => a > b;
const lower = (a, b) => a < b;
const oursTrain = oursBest('train', BATCH, 'images_per_s', higher);
const oursInfer = oursBest('infer', BATCH, 'images_per_s', higher);
const oursLatency = oursBest('infer', 1, 'latency_ms', lower);

/** Ocellus (best thread count per figure) against one peer at one thread count; above 1 = Ocellus faster. */
function versus([impl, t]) {
  return {
    train: ratio(oursTrain?.[0], find(impl, t, 'train', BATCH)?.images_per_s),
    infer_64: ratio(oursInfer?.[0], find(impl, t, 'infer', BATCH)?.images_per_s),
    latency_1: ratio(find(impl, t, 'infer', 1)?.latency_ms, oursLatency?.[0]),
  };
}

/** Issue 19's targets, at 2 threads each side: null where a figure is missing or PyTorch is not honest. */
function issueTargets() {
  const ours = (mode, batch) => find('ocellus', 2, mode, batch);
  const torchTrain = torchHonest ? find('pytorch', 2, 'train', BATCH)?.images_per_s : undefined;
  const onnxInfer = find('onnxruntime-node', 2, 'infer', BATCH)?.images_per_s;
  const train = ours('train', BATCH)?.images_per_s;
  const infer = ours('infer', BATCH)?.images_per_s;
  const latency = ours('infer', 1)?.latency_ms;
  return {
    train_at_least_pytorch_openblas: train && torchTrain ? train >= torchTrain : null,
    infer_at_least_half_onnxruntime: infer && onnxInfer ? infer >= 0.5 * onnxInfer : null,
    latency_at_most_0_06_ms: latency ? latency <= 0.06 : null,
  };
}
const peers = impls.filter((i) => i !== ocellusRemote).flatMap((i) => i.threads().map((t) => [i.impl, t]));
const ratioPeers = peers.filter(([impl]) => impl !== 'pytorch' || torchHonest);
let onnxDiff = null;
if (impls.includes(ocellusRemote) && impls.includes(onnxruntime)) {
  const [a, b] = [oursLogits(BATCH), await onnxLogits(BATCH)];
  onnxDiff = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
}
const figure = (best) => (best ? { value: best[0], threads: best[1] } : null);
const summary = {
  model: `LeNet-5 ${JSON.stringify(LENET)}`,
  batch: BATCH,
  rounds,
  ocellus_best: {
    train_images_per_s: figure(oursTrain),
    infer_images_per_s: figure(oursInfer),
    latency_1_ms: figure(oursLatency),
  },
  pytorch_blas: torchBlas,
  targets: issueTargets(),
  vs: Object.fromEntries(ratioPeers.map((p) => [`${p[0]}/${p[1]}`, versus(p)])),
  errors: Object.fromEntries(
    results.filter((r) => r.error).map((r) => [key(r.impl, r.threads, r.mode, r.batch), r.error]),
  ),
  onnx_vs_ocellus_max_abs_logit_diff: onnxDiff,
};

if (json) {
  for (const r of results) if (!r.error) console.log(JSON.stringify(r));
  console.log(JSON.stringify({ summary }));
} else {
  const cell = (r, field, digits) => (r ? (r.error ? 'n/a' : r[field].toFixed(digits)) : '-');
  console.log(`\nLeNet-5, batch ${BATCH}, median of ${rounds} round(s)`);
  console.log(['impl/threads'.padEnd(20), 'train img/s', 'infer img/s @64', 'latency @1 ms'].join(' '));
  const ours = impls.includes(ocellusRemote) ? ocellusRemote.threads().map((t) => ['ocellus', t]) : [];
  for (const [impl, t] of [...ours, ...peers]) {
    console.log(
      [
        `${impl}/${t}`.padEnd(20),
        cell(find(impl, t, 'train', BATCH), 'images_per_s', 0).padStart(11),
        cell(find(impl, t, 'infer', BATCH), 'images_per_s', 0).padStart(15),
        cell(find(impl, t, 'infer', 1), 'latency_ms', 3).padStart(13),
      ].join(' '),
    );
  }
  console.log(
    '\nOcellus (best threads) / peer, >1 = Ocellus faster\n                     train    infer@64   latency@1',
  );
  for (const [name, v] of Object.entries(summary.vs)) {
    const f = (x) => (x === null ? '-' : `${x}x`).padStart(9);
    console.log(`${name.padEnd(19)}${f(v.train)}  ${f(v.infer_64)}  ${f(v.latency_1)}`);
  }
  if (impls.includes(pytorch)) console.log(blasLine(torchBlas));
  for (const [k, e] of Object.entries(summary.errors)) console.log(`${k}: ${e}`);
  console.log(`targets: ${JSON.stringify(summary.targets)}`);
  if (onnxDiff !== null)
    console.log(`onnxruntime vs Ocellus logits: max |diff| ${onnxDiff.toExponential(2)}`);
}

// `npm run bench:conv [-- --json] [-- --quick] [-- --rounds N] [-- --only name,name] [-- --passes p,p]
// [-- --threads 1,2] [-- --baseline <dist>]`: forward, input-gradient and weight-gradient passes of the
// convolutions in shapes.json for Ocellus, PyTorch (OpenBLAS, MKL-DNN) and onnxruntime-node (forward),
// side by side in one run at the same thread counts. Rounds interleave the implementations; each figure
// is the median over rounds. `--only` keeps shapes whose name contains one of the words. `--baseline`
// adds another build of Ocellus's kernels (a copy of packages/tensor/dist) for before/after ratios.
import { fileURLToPath } from 'node:url';
import { measureCalls, median } from '../lenet/harness.js';
import { hasTorch, INSTALL_OPENBLAS, PYTHON, torchEnv } from '../lenet/pytorch.js';
import { lineChild } from '../lenet/remote.js';
import { onnxForward } from './onnx.js';
import { printReport } from './report.js';
import { flops, PASSES, SHAPES } from './shapes.js';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const rounds = Number(option('--rounds') ?? (quick ? 1 : 2));
/** Seconds of timed calls per measurement and round. */
const budget = quick ? 0.05 : 0.15;
const words = option('--only')?.split(',');
const shapes = SHAPES.filter((s) => !words || words.some((w) => s.name.includes(w)));
const passes = option('--passes')?.split(',') ?? PASSES;
const threadCounts = (option('--threads') ?? '2').split(',').map(Number);
const baseline = option('--baseline');
const log = (line) => process.stderr.write(`${line}\n`);

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const ocellus = (impl, env) => ({
  impl,
  children: new Map(),
  launch: (t) => [process.execPath, [here('./ocellus-child.js')], { ...env, OCELLUS_THREADS: String(t) }],
});
const impls = [
  ocellus('ocellus', {}),
  ...(baseline ? [ocellus('ocellus-base', { OCELLUS_KERNELS: `${baseline}/kernels/index.js` })] : []),
  ...(hasTorch()
    ? [
        {
          impl: 'pytorch',
          children: new Map(),
          launch: (t) => [PYTHON, [here('./pytorch.py'), String(t)], torchEnv(t)],
        },
      ]
    : []),
  { impl: 'onnxruntime-node', forwardOnly: true, sessions: new Map() },
];

/** { seconds, cpuSeconds } per call of one measurement. */
async function measure(impl, s, pass, t) {
  if (impl.sessions) {
    const k = `${s.name} ${t}`;
    if (!impl.sessions.has(k)) impl.sessions.set(k, await onnxForward(s, t));
    return measureCalls(impl.sessions.get(k).run, budget);
  }
  if (!impl.children.has(t)) impl.children.set(t, await lineChild(...impl.launch(t)));
  return impl.children.get(t).ask(`${s.name} ${pass} ${budget}`);
}

const key = (impl, s, pass, t) => `${impl}/${t} ${s.name} ${pass}`;
const samples = new Map();
const errors = {};
for (let round = 0; round < rounds; round++) {
  log(`round ${round + 1}/${rounds}`);
  for (const s of shapes) {
    for (const pass of passes) {
      for (const t of threadCounts) {
        for (const impl of impls) {
          const k = key(impl.impl, s, pass, t);
          if ((impl.forwardOnly && pass !== 'forward') || errors[k]) continue;
          try {
            const m = await measure(impl, s, pass, t);
            samples.set(k, [...(samples.get(k) ?? []), m]);
            log(`  ${k}: ${(m.seconds * 1e3).toFixed(3)} ms, cpu ${(m.cpuSeconds * 1e3).toFixed(3)} ms`);
          } catch (error) {
            errors[k] = String(error?.message ?? error).split('\n')[0];
          }
        }
      }
    }
  }
}
for (const impl of impls) {
  for (const c of impl.children?.values() ?? []) c.close();
  for (const session of impl.sessions?.values() ?? []) await session.dispose();
}
const torchBlas =
  impls
    .find((i) => i.impl === 'pytorch')
    ?.children.values()
    .next().value?.hello.blas ?? null;
const torchHonest = torchBlas?.optimised === true;
if (torchBlas && !torchHonest) log(INSTALL_OPENBLAS);

const rows = [];
for (const s of shapes) {
  for (const pass of passes) {
    for (const t of threadCounts) {
      for (const impl of impls) {
        const ms = samples.get(key(impl.impl, s, pass, t));
        if (!ms) continue;
        const seconds = median(ms.map((m) => m.seconds));
        const cpuSeconds = median(ms.map((m) => m.cpuSeconds));
        const gflops = flops(s) / seconds / 1e9;
        rows.push({
          shape: s.name,
          pass,
          impl: impl.impl,
          threads: t,
          ms: Number((seconds * 1e3).toFixed(4)),
          cpu_ms: Number((cpuSeconds * 1e3).toFixed(4)),
          gflops: Number(gflops.toFixed(2)),
        });
      }
    }
  }
}
const find = (shape, pass, impl, t) =>
  rows.find((r) => r.shape === shape && r.pass === pass && r.impl === impl && r.threads === t);
const peers = ['pytorch', 'onnxruntime-node', 'ocellus-base'].filter((p) => p !== 'pytorch' || torchHonest);
/** Peer time over Ocellus time at the same threads, wall and CPU: above 1 = Ocellus faster. */
const ratios = [];
for (const s of shapes) {
  for (const pass of passes) {
    for (const t of threadCounts) {
      const ours = find(s.name, pass, 'ocellus', t);
      if (!ours) continue;
      const vs = {};
      const vsCpu = {};
      for (const p of peers) {
        const r = find(s.name, pass, p, t);
        if (!r) continue;
        vs[p] = Number((r.ms / ours.ms).toFixed(2));
        vsCpu[p] = Number((r.cpu_ms / ours.cpu_ms).toFixed(2));
      }
      ratios.push({ shape: s.name, pass, threads: t, gflops: ours.gflops, vs, vs_cpu: vsCpu });
    }
  }
}
const backbone = ratios.filter((r) => r.shape.startsWith('3x3') && r.vs.pytorch !== undefined);
const summary = {
  rounds,
  pytorch_blas: torchBlas,
  target_3x3_at_least_0_7x_pytorch: backbone.length ? backbone.every((r) => r.vs.pytorch >= 0.7) : null,
  below_target: backbone
    .filter((r) => r.vs.pytorch < 0.7)
    .map((r) => `${r.shape} ${r.pass}/${r.threads} ${r.vs.pytorch}x`),
  errors,
};

if (json) {
  for (const r of rows) console.log(JSON.stringify(r));
  for (const r of ratios) console.log(JSON.stringify({ ratio: r }));
  console.log(JSON.stringify({ summary }));
} else {
  printReport({ impls: impls.map((i) => i.impl), peers, ratios, find, summary });
}

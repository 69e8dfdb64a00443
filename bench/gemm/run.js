// `npm run bench:gemm [-- --json] [-- --quick]`: float32 GEMM of Ocellus (SIMD and TypeScript kernels,
// 1 thread and all threads) against its peers, side by side in one process and one run. Prints median
// GFLOPS (2 m n k / time) and ratios; with --json, one object per measurement and a summary line.
import { gemmInfo, gemmWith } from '@ocellus/tensor/gemm';
import { median, operands } from './operands.js';
import { peers } from './peers.js';

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const quick = args.has('--quick');
/** Seconds of timed runs per implementation and shape, spread over the rounds (at least one run each). */
const budget = quick ? 0.15 : 0.4;

const squares = (quick ? [256, 1024] : [128, 256, 512, 1024, 2048]).map((s) => ({ m: s, k: s, n: s }));
/** Conv-shaped products written m x k x n: LeNet conv1 and conv2 as im2col GEMMs (batch 8), a wide FC layer. */
const convs = [
  { m: 6272, k: 25, n: 6 },
  { m: 1568, k: 150, n: 16 },
  { m: 64, k: 3136, n: 512 },
];
const shapes = [...squares, ...convs];

const info = gemmInfo();
const threadCounts = info.threads > 1 ? [1, info.threads] : [1];

function ours(kernel, threads) {
  return async (m, n, k) => {
    const gemm = gemmWith({ kernel, threads });
    const { a, b, c } = operands(m, n, k);
    return { run: () => gemm(false, false, m, n, k, 1, a, b, 0, c), dispose: () => {} };
  };
}

/** [impl, threads, prepare, largest m n k it is given] */
const impls = [
  ...threadCounts.map((t) => ['ocellus-simd', t, ours('simd', t), Number.POSITIVE_INFINITY]),
  ...threadCounts.map((t) => ['ocellus-js', t, ours('js', t), 1024 ** 3]),
  ...peers,
];

const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Timed rounds per shape: every implementation runs in every round, so load from other jobs hits all alike. */
const rounds = quick ? 3 : 5;

/** Median GFLOPS of each implementation on one shape, measured in interleaved rounds. */
async function measureShape({ m, n, k }, entries) {
  const benches = [];
  for (const entry of entries) benches.push({ entry, bench: await entry[2](m, n, k), samples: [] });
  for (let round = 0; round < rounds; round++) {
    for (const b of benches) {
      await b.bench.activate?.();
      const warmStart = now();
      for (
        let runs = 0;
        runs < 1 || (round === 0 && runs < 20 && now() - warmStart < budget / rounds);
        runs++
      ) {
        await b.bench.run();
      }
      const start = now();
      do {
        const t0 = now();
        await b.bench.run();
        b.samples.push(now() - t0);
      } while (now() - start < budget / rounds);
    }
  }
  for (const b of benches) await b.bench.dispose();
  return benches.map((b) => [b.entry, (2 * m * n * k) / median(b.samples) / 1e9]);
}

const label = ({ m, k, n }) => `${m}x${k}x${n}`;
const column = (impl, threads) => `${impl}/${threads}`;
const results = new Map();

if (!json) {
  console.log(
    `Ocellus kernel ${info.kernel} (${info.microKernel}), relaxed SIMD ${info.relaxed}, ${info.threads} threads`,
  );
}
for (const shape of shapes) {
  const entries = impls.filter(([, , , limit]) => shape.m * shape.n * shape.k <= limit);
  for (const [[impl, threads], gflops] of await measureShape(shape, entries)) {
    results.set(`${label(shape)} ${column(impl, threads)}`, gflops);
    if (json) {
      const { m, n, k } = shape;
      console.log(JSON.stringify({ impl, threads, m, n, k, gflops: Number(gflops.toFixed(3)) }));
    } else {
      process.stderr.write(`  ${label(shape)} ${column(impl, threads)}: ${gflops.toFixed(2)} GFLOPS\n`);
    }
  }
}

const get = (shape, impl, threads) => results.get(`${label(shape)} ${column(impl, threads)}`);
const oursBest = (shape) =>
  Math.max(
    ...threadCounts
      .flatMap((t) => [get(shape, 'ocellus-simd', t), get(shape, 'ocellus-js', t)])
      .filter(Boolean),
  );
const ratio = (x, y) => (x && y ? Number((x / y).toFixed(2)) : null);

if (json) {
  const at1024 = { m: 1024, n: 1024, k: 1024 };
  const best = oursBest(at1024);
  const tfjsWasm = get(at1024, 'tfjs-wasm', 1);
  const byShape = Object.fromEntries(
    shapes.map((s) => [
      label(s),
      {
        ours_best: Number(oursBest(s).toFixed(2)),
        vs_tfjs_wasm: ratio(oursBest(s), get(s, 'tfjs-wasm', 1)),
        ours_1_thread_vs_tfjs_wasm: ratio(get(s, 'ocellus-simd', 1), get(s, 'tfjs-wasm', 1)),
        vs_onnxruntime_node: ratio(oursBest(s), get(s, 'onnxruntime-node', threadCounts.at(-1))),
      },
    ]),
  );
  const summary = {
    ours_best_1024_gflops: Number(best.toFixed(2)),
    tfjs_wasm_1024_gflops: Number(tfjsWasm.toFixed(2)),
    ratio_1024: ratio(best, tfjsWasm),
    threads: info.threads,
    kernel: info.kernel,
    shapes: byShape,
  };
  console.log(JSON.stringify({ summary }));
} else {
  const columns = impls.map(([impl, threads]) => column(impl, threads));
  const header = [
    'm x k x n'.padEnd(14),
    ...columns.map((c) => c.padStart(Math.max(9, c.length))),
    'best/tfjs-wasm',
    '1t/tfjs-wasm',
  ];
  console.log(`\nmedian GFLOPS\n${header.join(' ')}`);
  for (const shape of shapes) {
    const cells = columns.map((c) => {
      const value = results.get(`${label(shape)} ${c}`);
      return (value === undefined ? '-' : value.toFixed(1)).padStart(Math.max(9, c.length));
    });
    const vsWasm = ratio(oursBest(shape), get(shape, 'tfjs-wasm', 1));
    const oneThread = ratio(get(shape, 'ocellus-simd', 1), get(shape, 'tfjs-wasm', 1));
    console.log(
      [label(shape).padEnd(14), ...cells, `${vsWasm}x`.padStart(14), `${oneThread}x`.padStart(12)].join(' '),
    );
  }
}

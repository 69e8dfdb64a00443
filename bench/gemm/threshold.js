// Measures where the pool starts to pay: inline (the caller alone) vs pooled (all threads, no inline
// cut-off) on square and conv-shaped products; prints the smallest flop count from which pooled wins.
import { gemmInfo, gemmWith } from '@ocellus/tensor/gemm';
import { median, operands } from './operands.js';

const inline = gemmWith({ threads: 1 });
const pooled = gemmWith({ inlineBelow: 0 });
const shapes = [32, 48, 64, 80, 96, 112, 128, 160, 192, 256].map((s) => [s, s, s]);
shapes.push([784, 6, 25], [196, 16, 150], [1568, 6, 25]);

function time(gemm, m, n, k, ops) {
  const reps = Math.max(5, Math.min(400, Math.round(2e8 / (2 * m * n * k))));
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    gemm(false, false, m, n, k, 1, ops.a, ops.b, 0, ops.c);
    samples.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  return median(samples);
}

console.log(`threads ${gemmInfo().threads}; median microseconds per call`);
console.log('m x n x k'.padEnd(16), 'flops'.padStart(10), 'inline'.padStart(9), 'pooled'.padStart(9));
let crossover = Number.POSITIVE_INFINITY;
for (const [m, n, k] of shapes.sort((x, y) => x[0] * x[1] * x[2] - y[0] * y[1] * y[2])) {
  const ops = operands(m, n, k);
  for (let warm = 0; warm < 3; warm++) time(inline, m, n, k, ops) + time(pooled, m, n, k, ops);
  const [tInline, tPooled] = [time(inline, m, n, k, ops), time(pooled, m, n, k, ops)];
  const flops = 2 * m * n * k;
  if (tPooled < tInline) crossover = Math.min(crossover, flops);
  else crossover = Number.POSITIVE_INFINITY;
  const label = `${m}x${n}x${k}`;
  console.log(
    label.padEnd(16),
    String(flops).padStart(10),
    tInline.toFixed(1).padStart(9),
    tPooled.toFixed(1).padStart(9),
  );
}
console.log(
  `pooled wins from ${crossover} flops on (current INLINE_BELOW_FLOPS = ${gemmInfo().inlineBelowFlops})`,
);

// The text report of bench:conv: GFLOPS per implementation, then ratios by wall time and by CPU time.
import { blasLine } from '../lenet/pytorch.js';

const cell = (text, width) => String(text).padStart(width);
const times = (x) => (x === undefined ? '-' : `${x.toFixed(2)}x`);

export function printReport({ impls, peers, ratios, find, summary }) {
  console.log(
    `\nConvolutions, GFLOPS by wall time (median of ${summary.rounds} round(s)); ratios = peer time / Ocellus ` +
      'time, >1 = Ocellus faster, by wall time and (cpu) by CPU time per call, the steadier on a shared machine',
  );
  const head = ['shape'.padEnd(18), 'pass'.padEnd(7), 'thr', ...impls.map((i) => cell(i, 16))];
  for (const p of peers) head.push(cell(`vs ${p}`, 20), cell('(cpu)', 7));
  console.log(head.join(' '));
  for (const r of ratios) {
    const line = [r.shape.padEnd(18), r.pass.padEnd(7), cell(r.threads, 3)];
    for (const i of impls) line.push(cell(find(r.shape, r.pass, i, r.threads)?.gflops.toFixed(1) ?? '-', 16));
    for (const p of peers) line.push(cell(times(r.vs[p]), 20), cell(times(r.vs_cpu[p]), 7));
    console.log(line.join(' '));
  }
  if (summary.pytorch_blas) console.log(blasLine(summary.pytorch_blas));
  for (const [k, e] of Object.entries(summary.errors)) console.log(`${k}: ${e}`);
  console.log(
    `3x3 backbone shapes at least 0.7x PyTorch (wall): ${summary.target_3x3_at_least_0_7x_pytorch}`,
  );
  if (summary.below_target.length) console.log(`below 0.7x: ${summary.below_target.join(', ')}`);
}

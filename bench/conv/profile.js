// `node --cpu-prof --cpu-prof-dir=<dir> bench/conv/profile.js <shape> <pass> [seconds]`: runs one pass of one
// shape of shapes.json for a while (OCELLUS_THREADS as set), for a CPU profile; summarise the profile with
// bench/lenet/profile-summary.js. Prints the median wall time and the mean CPU time per call.
import { prepare, shapeNamed } from './ocellus-child.js';
import { flops } from './shapes.js';

const [name, pass = 'forward', seconds = '3'] = process.argv.slice(2);
if (!name) throw new Error('usage: profile.js <shape> <pass> [seconds]');
const shape = shapeNamed(name);
const run = prepare(shape, pass);
const now = () => performance.now();
const warm = now();
while (now() - warm < 500) run();
const samples = [];
const cpu0 = process.cpuUsage();
const start = now();
while (now() - start < Number(seconds) * 1000) {
  const t0 = now();
  run();
  samples.push(now() - t0);
}
const { user, system } = process.cpuUsage(cpu0);
samples.sort((a, b) => a - b);
const wall = samples[samples.length >> 1];
const cpu = (user + system) / 1000 / samples.length;
const gflops = flops(shape) / wall / 1e6;
console.log(
  `${name} ${pass}: ${wall.toFixed(3)} ms per call (${gflops.toFixed(1)} GFLOPS), cpu ${cpu.toFixed(3)} ms per call`,
);

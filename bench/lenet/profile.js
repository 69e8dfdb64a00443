// `node --cpu-prof --cpu-prof-dir=<dir> bench/lenet/profile.js train|infer [seconds] [batch]`: runs
// Ocellus LeNet-5 training steps or inference passes for a while, for a CPU profile of the hot path.
// Prints the median wall time per call and the mean CPU time per call (steadier on a shared machine).
import { ocellus } from './ocellus.js';

const [mode = 'train', seconds = '5', batch = '64'] = process.argv.slice(2);
if (mode !== 'train' && mode !== 'infer') throw new Error('mode must be train or infer');
const bench = await ocellus[mode](Number(batch));
const now = () => performance.now();
const warm = now();
while (now() - warm < 300) bench.run();
const samples = [];
const cpu0 = process.cpuUsage();
const start = now();
while (now() - start < Number(seconds) * 1000) {
  const t0 = now();
  bench.run();
  samples.push(now() - t0);
}
const { user, system } = process.cpuUsage(cpu0);
samples.sort((a, b) => a - b);
const wall = samples[samples.length >> 1];
const cpu = (user + system) / 1000 / samples.length;
console.log(`${mode} batch ${batch}: ${wall.toFixed(3)} ms per call, cpu ${cpu.toFixed(3)} ms per call`);

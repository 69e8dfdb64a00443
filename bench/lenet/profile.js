// `node --cpu-prof --cpu-prof-dir=<dir> bench/lenet/profile.js train|infer [seconds] [batch]`: runs
// Ocellus LeNet-5 training steps or inference passes for a while, for a CPU profile of the hot path.
import { timeCalls } from './harness.js';
import { ocellus } from './ocellus.js';

const [mode = 'train', seconds = '5', batch = '64'] = process.argv.slice(2);
if (mode !== 'train' && mode !== 'infer') throw new Error('mode must be train or infer');
const bench = await ocellus[mode](Number(batch));
const median = await timeCalls(bench.run, Number(seconds));
console.log(`${mode} batch ${batch}: ${(median * 1e3).toFixed(3)} ms per call`);

// `node --cpu-prof --cpu-prof-dir=<dir> bench/detect/profile.js train|infer [steps|seconds] [batch] [--spec file]`:
// Ocellus's Faster R-CNN (models/specs/digits-faster-rcnn.json unless --spec) on the side-by-side's scenes, for a CPU profile of the hot
// path: `train` runs `steps` (default 40) training steps of 4 scenes; `infer` trains the side-by-side's 8 steps,
// then runs inference at `batch` (default 8) for `seconds` (default 10). Summarise the main thread's profile
// with bench/lenet/profile-summary.js (the GEMM pool's workers write profiles of their own).
import { readFile } from 'node:fs/promises';
import {
  benchScenes,
  inferSeconds,
  TIMED_STEPS,
  timingSpec,
  trainedModel,
  WARM_STEPS,
} from './faster-rcnn-ocellus.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--spec');
const specFile =
  at >= 0 ? argv.splice(at, 2)[1] : new URL('../../models/specs/digits-faster-rcnn.json', import.meta.url);
const [mode = 'train', amount, batch = '8'] = argv;
if (mode !== 'train' && mode !== 'infer') throw new Error('mode must be train or infer');
const TRAIN_BATCH = 4;
const steps = mode === 'train' ? Number(amount ?? 40) : WARM_STEPS + TIMED_STEPS;
const spec = timingSpec(JSON.parse(await readFile(specFile, 'utf8')), TRAIN_BATCH);
const scenes = benchScenes(steps * TRAIN_BATCH, 1);
const { model, stepSeconds, cpuSeconds } = await trainedModel(spec, scenes, steps);
const ms = (seconds) => (seconds * 1e3).toFixed(2);
if (mode === 'train') {
  const wall = [...stepSeconds].sort((a, b) => a - b)[stepSeconds.length >> 1];
  console.log(`train batch ${TRAIN_BATCH}: ${ms(wall)} ms per step, cpu ${ms(cpuSeconds)} ms per step`);
} else {
  const m = await inferSeconds(model, scenes, Number(batch), Number(amount ?? 10));
  console.log(`infer batch ${batch}: ${ms(m.seconds)} ms per scene, cpu ${ms(m.cpuSeconds)} ms per scene`);
}

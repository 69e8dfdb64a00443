// `npm run bench:proposals [-- --json] [-- --scenes N] [-- --seed S] [-- --ks 50,100,150,300] [-- --sigma 0.8]
// [-- --min-size 20] [-- --max-proposals 300] [-- --strategies csf,sf]`: selective search ("fast" mode,
// @ocellus/vision/proposals) on N (default 500) test-split digit scenes: recall of the ground-truth boxes at
// IoU 0.5 and 0.7, mean best overlap (MABO, Uijlings et al. 2013), mean and median proposals per image,
// ms per image. Strategies name the similarities they add up: c colour, s size, f fill.
import { loadavg } from 'node:os';
import { boxIou } from '@ocellus/vision/boxes';
import { selectiveSearch } from '@ocellus/vision/proposals';
import { digitScenes } from '@ocellus/vision/scenes';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const numbers = (text) => text?.split(',').map(Number);
const json = argv.includes('--json');
const count = Number(option('--scenes') ?? 500);
const seed = Number(option('--seed') ?? 1);
const strategies = option('--strategies')
  ?.split(',')
  .map((s) => ({ colour: s.includes('c'), size: s.includes('s'), fill: s.includes('f') }));
const options = {
  ks: numbers(option('--ks')),
  sigma: numbers(option('--sigma'))?.[0],
  minSize: numbers(option('--min-size'))?.[0],
  maxProposals: numbers(option('--max-proposals'))?.[0],
  similarities: strategies,
};
for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const scenes = digitScenes({ split: 'test', count, seed });
const { channels, height, width } = scenes.set;
const plane = channels * height * width;
const image = (i) => ({
  pixels: scenes.set.images.subarray(i * plane, (i + 1) * plane),
  channels,
  height,
  width,
});
// Warm-up, so that the timings are of optimised code.
for (let i = 0; i < Math.min(count, 20); i++) selectiveSearch(image(i), options);

const perImage = [];
const ms = [];
const best = [];
let cpuMs = 0;
for (let i = 0; i < count; i++) {
  const [t0, cpu0] = [performance.now(), process.cpuUsage()];
  const { boxes, count: n } = selectiveSearch(image(i), { ...options, seed: i });
  const cpu = process.cpuUsage(cpu0);
  ms.push(performance.now() - t0);
  cpuMs += (cpu.user + cpu.system) / 1000;
  perImage.push(n);
  for (const { box } of scenes.objects[i]) {
    let overlap = 0;
    for (let p = 0; p < n; p++) overlap = Math.max(overlap, boxIou(box, boxes.subarray(4 * p, 4 * p + 4)));
    best.push(overlap);
  }
}
const recall = (t) => best.filter((o) => o >= t).length / best.length;
const result = {
  command: `npm run bench:proposals -- ${argv.join(' ')}`.trim(),
  scenes: count,
  objects: best.length,
  options,
  recall50: recall(0.5),
  recall70: recall(0.7),
  mabo: best.reduce((a, b) => a + b, 0) / best.length,
  meanProposals: perImage.reduce((a, b) => a + b, 0) / count,
  medianProposals: median(perImage),
  mostProposals: Math.max(...perImage),
  msPerImage: ms.reduce((a, b) => a + b, 0) / count,
  medianMsPerImage: median(ms),
  cpuMsPerImage: cpuMs / count,
  loadAverage: loadavg()[0],
};

if (json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const rows = [
    ['scenes (test split)', `${count} (seed ${seed}), ${best.length} digits`],
    ['recall @ IoU 0.5', result.recall50.toFixed(4)],
    ['recall @ IoU 0.7', result.recall70.toFixed(4)],
    ['MABO', result.mabo.toFixed(4)],
    [
      'proposals / image',
      `mean ${result.meanProposals.toFixed(1)}, median ${result.medianProposals}, max ${result.mostProposals}`,
    ],
    [
      'ms / image',
      `mean ${result.msPerImage.toFixed(2)}, median ${result.medianMsPerImage.toFixed(2)}, CPU ${result.cpuMsPerImage.toFixed(2)} (load average ${result.loadAverage.toFixed(2)})`,
    ],
  ];
  const pad = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(pad)}  ${v}`).join('\n')}\n`);
}

// `node bench/caption/errors.js [model] [--registry dir] [--scenes N]`: where a captioner's greedy captions of
// its test scenes (production version, default `digits-captioner`) go wrong. Each wrong caption is the right
// words in another order, one or more wrong words in a caption of the right length, or a word too few or too
// many; a wrong word is counted apart when it is a digit that the scene does hold elsewhere (read from the
// wrong place). The scenes' boxes (the same scenes' detection targets) give exact match by the smallest
// horizontal distance between two digit centres: the caption orders digits by centre x.
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { prepareData } from '@ocellus/models';
import { detectorArguments, testDetections } from '../detect/test-detections.js';
import { textTable } from '../text-table.js';

const USAGE = 'node bench/caption/errors.js [model] [--registry dir] [--scenes N]';
if (process.argv.length === 2 || process.argv[2].startsWith('--'))
  process.argv.splice(2, 0, 'digits-captioner');
const { argv, name, option } = detectorArguments(USAGE);
const scenes = Number(option('--scenes') ?? 500);
const { manifest, version, outputs, targets } = await testDetections(name, option('--registry'), scenes);
if (manifest.task !== 'caption') {
  process.stderr.write(`${name} is a ${manifest.task} model, not a captioner\nusage: ${USAGE}\n`);
  process.exit(2);
}
const stored = defaultJobSpecSchema.parse(manifest.extra.spec);
const scenesAsDetection = prepareData({
  ...stored,
  task: 'detect',
  architecture: { type: 'faster-rcnn' },
  dataset: { ...stored.dataset, train: 1, validation: 1, test: scenes },
});
const boxes = scenesAsDetection.data.targets(scenesAsDetection.test);

const centreX = (o) => (o.box[0] + o.box[2]) / 2;
const count = (table, key) => table.set(key, (table.get(key) ?? 0) + 1);
const GAPS = [0, 6, 8, 10, 14, 20, Number.POSITIVE_INFINITY];
const gaps = GAPS.slice(1).map(() => ({ scenes: 0, exact: 0 }));
const kinds = new Map();
let wrongWords = 0;
let fromElsewhere = 0;
outputs.forEach((output, i) => {
  const said = Array.from(output.tokens);
  const truth = Array.from(targets[i].tokens);
  const objects = [...boxes[i].objects].sort((a, b) => centreX(a) - centreX(b));
  if (objects.map((o) => o.index).join() !== truth.join()) {
    throw new Error(`scene ${i}: its detection targets are not the scene its caption describes`);
  }
  const exact = said.join() === truth.join();
  if (objects.length > 1) {
    const smallest = Math.min(...objects.slice(1).map((o, k) => centreX(o) - centreX(objects[k])));
    const bucket = gaps[GAPS.findIndex((g, b) => smallest >= g && smallest < GAPS[b + 1])];
    bucket.scenes++;
    if (exact) bucket.exact++;
  }
  if (exact) return;
  if (said.length !== truth.length) {
    count(kinds, said.length < truth.length ? 'words missing' : 'words too many');
    return;
  }
  if ([...said].sort().join() === [...truth].sort().join()) {
    count(kinds, 'right words, another order');
    return;
  }
  const wrong = said.filter((w, k) => w !== truth[k]);
  count(kinds, `${wrong.length} wrong word${wrong.length > 1 ? 's' : ''}`);
  wrongWords += wrong.length;
  fromElsewhere += said.filter((w, k) => w !== truth[k] && truth.includes(w)).length;
});

const wrongCaptions = [...kinds.values()].reduce((a, b) => a + b, 0);
const percent = (a, b) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
process.stdout.write(
  `node bench/caption/errors.js ${argv.join(' ')}: ${name} v${version}, ${outputs.length} test scenes, ` +
    `${wrongCaptions} captions wrong (exact ${percent(outputs.length - wrongCaptions, outputs.length)})\n` +
    `${textTable(
      ['wrong caption', 'count'],
      [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => [kind, String(n)]),
    )}\n\n` +
    `wrong words in captions of the right length: ${wrongWords}, of which ${fromElsewhere} are another digit of the scene\n\n` +
    `${textTable(
      ['smallest gap between digit centres (px)', 'scenes', 'exact'],
      gaps.map((b, i) => [
        `${GAPS[i]}-${GAPS[i + 1] === Number.POSITIVE_INFINITY ? '' : GAPS[i + 1]}`,
        String(b.scenes),
        percent(b.exact, b.scenes),
      ]),
    )}\n`,
);

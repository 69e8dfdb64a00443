// `node bench/caption/errors.js [model] [--registry dir] [--scenes N]`: where a captioner's greedy captions of
// its test scenes (production version, default `digits-captioner`) go wrong. Each wrong caption is the right
// words in another order, one or more wrong words in a caption of the right length, or a word too few or too
// many; a wrong word is counted apart when it is a digit that the scene does hold elsewhere (read from the
// wrong place). The caption words' boxes (the test targets' regions) give exact match by the smallest
// horizontal distance between two digit centres: the caption orders digits by centre x.
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
const centreX = (box) => (box[0] + box[2]) / 2;
const count = (table, key) => table.set(key, (table.get(key) ?? 0) + 1);
const GAPS = [0, 6, 8, 10, 14, 20, Number.POSITIVE_INFINITY];
const gaps = GAPS.slice(1).map(() => ({ scenes: 0, exact: 0 }));
const kinds = new Map();
let wrongWords = 0;
let fromElsewhere = 0;
outputs.forEach((output, i) => {
  const said = Array.from(output.tokens);
  const truth = Array.from(targets[i].tokens);
  // Each caption word's digit box, in the caption's order (left to right by centre x).
  const regions = targets[i].regions;
  const exact = said.join() === truth.join();
  if (regions.length > 1) {
    const smallest = Math.min(...regions.slice(1).map((box, k) => centreX(box) - centreX(regions[k])));
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

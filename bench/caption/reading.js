// `node bench/caption/reading.js [model] [--registry dir] [--scenes N] [--train N] [--shifts 0,2,4]`: how well a
// captioner's glimpse (production version, default `digits-captioner`) reads a digit when its square is put on
// it, apart from where the model looks (`Captioner.readWords`): on every word of the first N test scenes
// (default 500), and of the first N training scenes (default 500, not photo-like, as the model never saw them
// in training: half of its training scenes were made photo-like each time; distorted when its spec distorts
// the training digits, `dataset.distort`), the share that the namer and that
// the word scores (teacher forced) get right when each word's box is moved by each of `--shifts` pixels, in a
// direction drawn per word (seeded). A model with `refine` moves the square before it reads. A second table
// splits the test words read at their boxes by crowding: the largest share of another digit's box that lies
// inside the word's square (its box's longest side times the glimpse's context). The last column is the share of
// captions whose every word is read right: what exact match would be with every square on its box.
import { Rng } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { detectorArguments, productionModel } from '../detect/test-detections.js';
import { textTable } from '../text-table.js';

const USAGE =
  'node bench/caption/reading.js [model] [--registry dir] [--scenes N] [--train N] [--shifts 0,2,4]';
if (process.argv.length === 2 || process.argv[2].startsWith('--'))
  process.argv.splice(2, 0, 'digits-captioner');
const { argv, name, option } = detectorArguments(USAGE);
const count = (flag) => {
  const n = Number(option(flag) ?? 500);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`${flag} takes a whole number of scenes\nusage: ${USAGE}\n`);
    process.exit(2);
  }
  return n;
};
const [scenes, trainScenes] = [count('--scenes'), count('--train')];
const shifts = (option('--shifts') ?? '0,2,4').split(',').map(Number);
if (shifts.some((s) => !(s >= 0))) {
  process.stderr.write(`--shifts takes pixels >= 0, comma separated\nusage: ${USAGE}\n`);
  process.exit(2);
}

const { manifest, version, model, data, test } = await productionModel(name, option('--registry'), {
  train: trainScenes,
  validation: 1,
  test: scenes,
});
if (manifest.task !== 'caption') {
  process.stderr.write(`${name} is a ${manifest.task} model, not a captioner\nusage: ${USAGE}\n`);
  process.exit(2);
}

/** Each word's box moved by `shift` pixels in a direction drawn from `rng`. */
const moved = (boxes, shift, rng) =>
  boxes.map(([x1, y1, x2, y2]) => {
    const angle = 2 * Math.PI * rng.uniform();
    const [dx, dy] = [shift * Math.cos(angle), shift * Math.sin(angle)];
    return [x1 + dx, y1 + dy, x2 + dx, y2 + dy];
  });

const context = manifest.architecture.glimpse?.context ?? 1;

/** The largest share of another box of `boxes` inside word `t`'s square. */
function crowding(boxes, t) {
  const [x1, y1, x2, y2] = boxes[t];
  const half = (Math.max(x2 - x1, y2 - y1) * context) / 2;
  const [cx, cy] = [(x1 + x2) / 2, (y1 + y2) / 2];
  let share = 0;
  boxes.forEach(([a1, b1, a2, b2], u) => {
    if (u === t) return;
    const w = Math.max(0, Math.min(cx + half, a2) - Math.max(cx - half, a1));
    const h = Math.max(0, Math.min(cy + half, b2) - Math.max(cy - half, b1));
    share = Math.max(share, (w * h) / ((a2 - a1) * (b2 - b1)));
  });
  return share;
}

/**
 * The shares of words that the namer and the word scores read right on `indices`, each box moved by `shift`,
 * and per word its crowding and whether the namer read it right.
 */
function reading(indices, shift) {
  const rng = new Rng(shift + 1);
  let [words, named, scored, captions, allNamed, allScored] = [0, 0, 0, 0, 0, 0];
  const perWord = [];
  for (let start = 0; start < indices.length; start += 16) {
    const batch = indices.subarray(start, start + 16);
    const targets = data.targets(batch);
    const tokens = targets.map((t) => t.tokens);
    const boxes = targets.map((t) => moved(t.regions, shift, rng));
    model.readWords(gatherBatch(data.set, batch).inputs, tokens, boxes).forEach((read, i) => {
      captions++;
      if (tokens[i].every((word, t) => read.named[t] === word)) allNamed++;
      if (tokens[i].every((word, t) => read.scored[t] === word)) allScored++;
      tokens[i].forEach((word, t) => {
        words++;
        if (read.named[t] === word) named++;
        if (read.scored[t] === word) scored++;
        perWord.push({ crowding: crowding(targets[i].regions, t), right: read.named[t] === word });
      });
    });
  }
  return {
    words,
    named: named / words,
    scored: scored / words,
    captionsNamed: allNamed / captions,
    captionsScored: allScored / captions,
    perWord,
  };
}

const CROWDING_BINS = ['none', 'under 0.3', '0.3 to 0.6', '0.6 or more'];
const binOf = (c) => (c === 0 ? 0 : c < 0.3 ? 1 : c < 0.6 ? 2 : 3);

/** Per crowding bin: the words, and the share the namer misreads. */
function crowdingRows(perWord) {
  return CROWDING_BINS.map((label, bin) => {
    const inBin = perWord.filter((w) => binOf(w.crowding) === bin);
    const wrong = inBin.filter((w) => !w.right).length;
    return [label, String(inBin.length), String(wrong), percent(wrong / Math.max(1, inBin.length))];
  });
}

const percent = (x) => `${(100 * x).toFixed(2)}%`;
const rows = [];
let atBoxes = null;
for (const [split, indices] of [
  ['test', test],
  ['train', data.train],
]) {
  for (const shift of shifts) {
    const r = reading(indices, shift);
    if (split === 'test' && shift === 0) atBoxes = r;
    rows.push([
      split,
      String(shift),
      String(r.words),
      percent(r.named),
      percent(r.scored),
      `${percent(r.captionsNamed)} / ${percent(r.captionsScored)}`,
    ]);
  }
}
atBoxes ??= reading(test, 0);
process.stdout.write(
  `node bench/caption/reading.js ${argv.join(' ')}: ${name} v${version}, ${test.length} test and ` +
    `${data.train.length} training scenes\n` +
    `${textTable(['scenes', 'box moved (px)', 'words', 'namer right', 'word scores right', 'captions with every word right (namer / scores)'], rows)}\n\n` +
    `test words at their boxes, by the largest share of another digit's box inside the word's square\n` +
    `${textTable(['crowding', 'words', 'misread by the namer', 'share'], crowdingRows(atBoxes.perWord))}\n`,
);

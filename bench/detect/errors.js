// `node bench/detect/errors.js <model> [--registry dir] [--scenes N] [--score S]`: what a trained detector's
// detections above score S (default 0.3) on its test scenes are, and which digits it misses. Each detection,
// best score first, is matched to the digit it overlaps most: a true positive (IoU >= 0.5, its class, the
// digit not yet found), a duplicate, the wrong class on a found box, a box mostly (70%) inside a digit
// (part of it), a loose box (IoU 0.3-0.5), or background. Digits with no true positive are counted by
// class and by the height of their box, and so are those of them with a box of their class at IoU >= 0.5
// scored S or less.
import { boxArea, boxIou } from '@ocellus/vision/boxes';
import { textTable } from '../text-table.js';
import { detectorArguments, testDetections } from './test-detections.js';

const { argv, name, option } = detectorArguments(
  'node bench/detect/errors.js <model> [--registry dir] [--scenes N] [--score S]',
);
const floor = Number(option('--score') ?? 0.3);
const { version, model, outputs, targets } = await testDetections(
  name,
  option('--registry'),
  Number(option('--scenes') ?? 500),
);

const HEIGHTS = [0, 12, 16, 24, Number.POSITIVE_INFINITY];
const heightBucket = (box) =>
  HEIGHTS.findIndex((h, i) => box[3] - box[1] < HEIGHTS[i + 1] && box[3] - box[1] >= h);
const inside = (inner, outer) => {
  const w = Math.min(inner[2], outer[2]) - Math.max(inner[0], outer[0]);
  const h = Math.min(inner[3], outer[3]) - Math.max(inner[1], outer[1]);
  return w > 0 && h > 0 ? (w * h) / boxArea(inner) : 0;
};
const count = (table, key) => table.set(key, (table.get(key) ?? 0) + 1);

const kinds = new Map();
const confusions = new Map();
const digits = HEIGHTS.slice(1).map(() => ({ all: 0, missed: 0 }));
const missedByClass = new Map();
let lowScored = 0;
for (let i = 0; i < outputs.length; i++) {
  const objects = targets[i].objects;
  const found = new Set();
  const ranked = outputs[i].detections.filter((d) => d.score > floor).sort((a, b) => b.score - a.score);
  for (const d of ranked) {
    const overlaps = objects.map((o) => boxIou(d.box, o.box));
    const best = overlaps.indexOf(Math.max(...overlaps));
    const o = objects[best];
    const iou = overlaps[best] ?? 0;
    if (iou >= 0.5 && o.index === d.index && !found.has(best)) {
      found.add(best);
      count(kinds, 'true positive');
    } else if (iou >= 0.5 && o.index === d.index) count(kinds, 'duplicate');
    else if (iou >= 0.5) {
      count(kinds, 'wrong class on a digit');
      count(confusions, `${model.labels[o.index]} as ${model.labels[d.index]}`);
    } else if (o && inside(d.box, o.box) > 0.7) count(kinds, 'part of a digit');
    else if (iou >= 0.3) count(kinds, 'loose box');
    else count(kinds, 'background');
  }
  objects.forEach((o, k) => {
    const bucket = digits[heightBucket(o.box)];
    bucket.all++;
    if (found.has(k)) return;
    bucket.missed++;
    count(missedByClass, model.labels[o.index]);
    if (outputs[i].detections.some((d) => d.index === o.index && boxIou(d.box, o.box) >= 0.5)) lowScored++;
  });
}

const sorted = (table) => [...table].sort((a, b) => b[1] - a[1]);
const total = digits.reduce((sum, b) => sum + b.all, 0);
const missed = digits.reduce((sum, b) => sum + b.missed, 0);
process.stdout.write(
  `node bench/detect/errors.js ${argv.join(' ')}: ${name} v${version}, ${outputs.length} test scenes, ` +
    `${total} digits, detections above ${floor}\n` +
    `${textTable(
      ['detection', 'count'],
      sorted(kinds).map(([kind, n]) => [kind, String(n)]),
    )}\n\n` +
    `missed: ${missed} digits; ${lowScored} of them have a box of their class at IoU >= 0.5 scored ${floor} or less\n` +
    `${textTable(
      ['digit height (px)', 'digits', 'missed', 'share missed'],
      digits.map((b, i) => [
        `${HEIGHTS[i]}-${HEIGHTS[i + 1] === Number.POSITIVE_INFINITY ? '' : HEIGHTS[i + 1]}`,
        String(b.all),
        String(b.missed),
        b.all === 0 ? '-' : `${((100 * b.missed) / b.all).toFixed(1)}%`,
      ]),
    )}\n\n` +
    `missed by class: ${sorted(missedByClass)
      .map(([label, n]) => `${label} ${n}`)
      .join(', ')}\n` +
    `commonest wrong classes: ${sorted(confusions)
      .slice(0, 8)
      .map(([pair, n]) => `${pair} ${n}`)
      .join(', ')}\n`,
);

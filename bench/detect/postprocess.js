// `node bench/detect/postprocess.js <model> [--registry dir] [--scenes N]`: a trained detector's box AP on its
// test scenes under other post-processing of the same detections: tighter per-class NMS, suppression of a box
// mostly inside a better-scored box of its class (or of any class), and a higher score floor. It shows
// how much of the AP the detector loses to duplicates and partial boxes, without training again.
import { scorers } from '@ocellus/models';
import { textTable } from '../text-table.js';
import { detectorArguments, testDetections } from './test-detections.js';

const { argv, name, option } = detectorArguments(
  'node bench/detect/postprocess.js <model> [--registry dir] [--scenes N]',
);
const { manifest, version, model, test, outputs, targets } = await testDetections(
  name,
  option('--registry'),
  Number(option('--scenes') ?? 500),
);

const area = ([x1, y1, x2, y2]) => Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
const intersection = (a, b) =>
  Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) *
  Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
const iou = (a, b) => {
  const inter = intersection(a, b);
  return inter / (area(a) + area(b) - inter);
};

/** Greedy by score: drop a detection that `overlaps` a kept one (of its class unless `anyClass`). */
function suppress(detections, overlaps, anyClass = false) {
  const kept = [];
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => (anyClass || k.index === d.index) && overlaps(k.box, d.box))) kept.push(d);
  }
  return kept;
}

const variants = {
  'as trained': (ds) => ds,
  'per-class NMS 0.4': (ds) => suppress(ds, (k, d) => iou(k, d) > 0.4),
  'per-class NMS 0.3': (ds) => suppress(ds, (k, d) => iou(k, d) > 0.3),
  'inside a better box of its class (80%)': (ds) =>
    suppress(ds, (k, d) => intersection(k, d) / area(d) > 0.8),
  'inside a better box of its class (60%)': (ds) =>
    suppress(ds, (k, d) => intersection(k, d) / area(d) > 0.6),
  'inside a better box of any class (80%)': (ds) =>
    suppress(ds, (k, d) => intersection(k, d) / area(d) > 0.8, true),
  'NMS 0.3 + inside (80%)': (ds) =>
    suppress(ds, (k, d) => iou(k, d) > 0.3 || intersection(k, d) / area(d) > 0.8),
  'score above 0.3': (ds) => ds.filter((d) => d.score > 0.3),
};
const { height, width } = model.inputSpec;
const rows = Object.entries(variants).map(([variant, post]) => {
  const kept = outputs.map((o) => ({ ...o, detections: post(o.detections) }));
  const { metrics } = scorers[manifest.task](kept, targets, { labels: model.labels, height, width });
  const perScene = kept.reduce((sum, o) => sum + o.detections.length, 0) / kept.length;
  return [
    variant,
    metrics.testAp.toFixed(4),
    metrics.testAp50.toFixed(4),
    metrics.testAp75.toFixed(4),
    perScene.toFixed(1),
  ];
});
process.stdout.write(
  `node bench/detect/postprocess.js ${argv.join(' ')}: ${name} v${version}, ${test.length} test scenes\n` +
    `${textTable(['post-processing', 'AP', 'AP50', 'AP75', 'detections/scene'], rows)}\n`,
);

// `npm run bench:detect [-- --json] [-- --scenes N] [-- --timed N] [-- --only model,model] [-- --registry dir]`:
// every box model of the shipped registry (`models/` unless `--registry`, production versions of localize, detect and segment models),
// timed per image at batch 1 and batch 8 on its own test split (R-CNN's and Fast R-CNN's selective search
// also timed alone, and every detector's batch-1 time as a speed-up over R-CNN's), with the task's COCO metrics (or the
// localizer's accuracy and mean IoU) measured in the same run on `--scenes` test images (default 500),
// then again on photo-like uploads of the same images (either polarity, uneven paper, ink colour, noise,
// blur, JPEG, 0.5-3x the size; seeded) through the real upload path, boxes (and masks, pasted at each
// upload's size) scored in upload pixels, over all uploads, by upload size (0.5-1x, 1-2x, 2-3x) and by encoding (PNG, JPEG). A segment model's mask pasting (`pasteMaskRle` of every detection
// at the input size, as the API's reply does) is timed apart from its `predict`.
// `npm run bench:detect -- --torch ...`: Faster R-CNN side by side with PyTorch instead (torch-side-by-side.js);
// `--help` prints both usages.
import { readdir } from 'node:fs/promises';
import { DEFAULT_REGISTRY_ROOT } from '@ocellus/api';
import { defaultJobSpecSchema } from '@ocellus/contracts';
import { modelFromArtifact, prepareData, scorers } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { Rng, Tensor } from '@ocellus/tensor';
import { photoLikeUpload } from '@ocellus/vision/augment';
import { gatherBatch } from '@ocellus/vision/datasets';
import { decodeImage, toModelInput, toUploadBox } from '@ocellus/vision/image';
import { pasteMaskRle } from '@ocellus/vision/outputs';
import { selectiveSearch } from '@ocellus/vision/proposals';
import { decodeMask, encodeMask } from '@ocellus/vision/rle';
import { textTable } from '../text-table.js';
import { sideBySide, TORCH_USAGE } from './torch-side-by-side.js';

const argv = process.argv.slice(2);
const USAGE = `npm run bench:detect [-- --json] [-- --scenes N] [-- --timed N] [-- --only model,model]
    [-- --registry dir]
  Every box model of the registry: ms per image at batch 1 and 8, COCO metrics, photo-like uploads.
${TORCH_USAGE}`;
if (argv.includes('--help')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (argv.includes('--torch')) {
  await sideBySide(argv);
  process.exit(0);
}
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const json = argv.includes('--json');
const scenes = Number(option('--scenes') ?? 500);
const timed = Number(option('--timed') ?? 48);
if (![timed, scenes].every((n) => Number.isInteger(n) && n >= 8)) {
  process.stderr.write(`--timed and --scenes need whole numbers of at least 8 (one batch of 8)\n${USAGE}\n`);
  process.exit(2);
}
const only = option('--only')?.split(',');
const BOX_TASKS = ['localize', 'detect', 'segment'];
const log = (line) => process.stderr.write(`${line}\n`);

/** Each object's box (and full-canvas 0/1 mask), whatever the task's targets call their objects. */
const objectsOf = (target) =>
  (target.objects ?? [target]).map(({ index, box, mask }) => ({
    index,
    box,
    ...(mask ? { mask: decodeMask(mask) } : {}),
  }));

/** The targets back in the task's shape, for the photo-like upload's objects (masks as RLE of the upload). */
function asTarget(task, upload) {
  if (task === 'localize') return upload.objects[0];
  const rle = (mask) => encodeMask(mask, upload.height, upload.width);
  return { objects: upload.objects.map((o) => (o.mask ? { ...o, mask: rle(o.mask) } : o)) };
}

/** The task's outputs with every box mapped from model-input pixels to the upload's. */
function toUpload(task, output, geometry) {
  if (task === 'localize') return { ...output, box: toUploadBox(output.box, geometry) };
  return { detections: output.detections.map((d) => ({ ...d, box: toUploadBox(d.box, geometry) })) };
}

/** Upload widths over the input's, in the buckets photo-like metrics are also given by: [from, to). */
const SCALE_BUCKETS = [
  [0.5, 1],
  [1, 2],
  [2, 3.01],
];

/**
 * The metrics on photo-like uploads of the test images, decoded and brought to the model as the API does,
 * over all of them and (`byScale`) over the uploads of each `SCALE_BUCKETS` width range.
 */
async function photoMetrics(model, task, data, test, targets) {
  const rng = new Rng(17);
  const { channels, height, width } = data.set;
  const plane = channels * height * width;
  const outputs = [];
  const truth = [];
  const sizes = [];
  const formats = [];
  for (let i = 0; i < test.length; i++) {
    const objects = objectsOf(targets[i]);
    const pixels = data.set.images.slice(test[i] * plane, (test[i] + 1) * plane);
    const upload = await photoLikeUpload({ pixels, width, height, objects }, rng.fork());
    const input = toModelInput(await decodeImage(upload.bytes), model.inputSpec);
    const spec = model.inputSpec;
    const [output] = model.predict(new Tensor(input.pixels, [1, spec.channels, spec.height, spec.width]));
    outputs.push(toUpload(task, output, input.geometry));
    truth.push(asTarget(task, upload));
    sizes.push({ height: upload.height, width: upload.width });
    formats.push(upload.encoding.format);
  }
  const score = (keep) =>
    scorers[task](
      outputs.filter((_, i) => keep(i)),
      truth.filter((_, i) => keep(i)),
      { labels: model.labels, height, width, sizes: sizes.filter((_, i) => keep(i)) },
    );
  const byScale = SCALE_BUCKETS.map(([from, to]) => {
    const inBucket = (i) => sizes[i].width / width >= from && sizes[i].width / width < to;
    const { metrics, examples } = score(inBucket);
    return { scale: `${from}-${Math.floor(to)}x`, images: examples, metrics };
  });
  const byEncoding = ['png', 'jpeg'].map((format) => {
    const { metrics, examples } = score((i) => formats[i] === format);
    return { encoding: format, images: examples, metrics };
  });
  return { ...score(() => true).metrics, byScale, byEncoding };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Milliseconds per image of `model.predict` over the first `timed` test images, `batch` at a time. */
function msPerImage(model, set, indices, batch) {
  const samples = [];
  model.predict(gatherBatch(set, indices.subarray(0, batch)).inputs);
  for (let start = 0; start + batch <= Math.min(timed, indices.length); start += batch) {
    const inputs = gatherBatch(set, indices.subarray(start, start + batch)).inputs;
    const t0 = performance.now();
    model.predict(inputs);
    samples.push((performance.now() - t0) / batch);
  }
  return median(samples);
}

/**
 * Milliseconds per image of the selective search a proposal-based detector (R-CNN, Fast R-CNN) runs
 * inside `predict`, over the same images; undefined for a model that finds its own regions.
 */
function proposalMs(manifest, set, indices) {
  const settings = manifest.architecture.proposals;
  if (settings === undefined) return undefined;
  const samples = [];
  for (const index of indices.subarray(0, timed)) {
    const { inputs } = gatherBatch(set, Int32Array.of(index));
    const [, channels, height, width] = inputs.shape;
    const t0 = performance.now();
    selectiveSearch({ pixels: inputs.values(), channels, height, width }, { maxProposals: settings.max });
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** Milliseconds per image of pasting every detection's mask into the input (a segment model's reply). */
function pasteMs(outputs, { height, width }) {
  const t0 = performance.now();
  for (const { detections } of outputs) {
    for (const d of detections) pasteMaskRle(d.mask, d.box, 0.5, height, width);
  }
  return (performance.now() - t0) / outputs.length;
}

const root = option('--registry') ?? DEFAULT_REGISTRY_ROOT;
const registry = openRegistry(root);
const rows = [];
for (const name of (await readdir(root)).sort()) {
  if (only && !only.includes(name)) continue;
  const version = (await registry.aliases(name).catch(() => ({}))).production;
  if (version === undefined) continue;
  const { manifest, tensors } = await registry.load(name, version);
  if (!BOX_TASKS.includes(manifest.task)) continue;
  const stored = defaultJobSpecSchema.parse(manifest.extra.spec);
  const spec = { ...stored, dataset: { ...stored.dataset, train: 1, validation: 1, test: scenes } };
  const { data, test } = prepareData(spec);
  const model = modelFromArtifact(manifest, tensors);
  log(`${name} v${version} (${manifest.architecture.type}): ${test.length} test images`);
  const batch1 = msPerImage(model, data.set, test, 1);
  const batch8 = msPerImage(model, data.set, test, 8);
  const proposals = proposalMs(manifest, data.set, test);
  const outputs = [];
  const t0 = performance.now();
  for (let start = 0; start < test.length; start += 8) {
    outputs.push(...model.predict(gatherBatch(data.set, test.subarray(start, start + 8)).inputs));
  }
  const evalMs = (performance.now() - t0) / test.length;
  const { height, width } = model.inputSpec;
  const targets = data.targets(test);
  const { metrics } = scorers[manifest.task](outputs, targets, { labels: model.labels, height, width });
  const msPaste = manifest.task === 'segment' ? pasteMs(outputs, model.inputSpec) : undefined;
  const photo = await photoMetrics(model, manifest.task, data, test, targets);
  rows.push({
    model: name,
    version,
    type: manifest.architecture.type,
    input: `${width}x${height}`,
    images: test.length,
    msBatch1: batch1,
    msBatch8: batch8,
    msEvaluation: evalMs,
    msProposals: proposals,
    msPaste,
    trainSeconds: manifest.metrics.trainSeconds,
    metrics,
    photo,
  });
}

/** The seed's comparison: each detector's test time per image against R-CNN's, when R-CNN is in the run. */
const rcnn = rows.find((r) => r.type === 'rcnn');
for (const row of rows) row.speedUpOverRcnn = rcnn ? rcnn.msBatch1 / row.msBatch1 : undefined;

if (json) {
  process.stdout.write(
    `${JSON.stringify({ command: `npm run bench:detect -- ${argv.join(' ')}`.trim(), rows }, null, 2)}\n`,
  );
} else {
  const fmt = (v) => (v === undefined ? '-' : v.toFixed(3));
  const header = [
    'model',
    'type',
    'input',
    'images',
    'ms/img @1',
    'ms/img @8',
    'proposals ms',
    'paste ms',
    'vs R-CNN',
    'train min',
    'AP',
    'AP50',
    'AP75',
    'mask AP',
    'mask AP50',
    'accuracy',
    'mean IoU',
    'photo-like: AP50',
    'mask AP50',
    'accuracy',
    'mean IoU',
  ];
  const lines = rows.map((r) => [
    `${r.model}@${r.version}`,
    r.type,
    r.input,
    String(r.images),
    r.msBatch1.toFixed(2),
    r.msBatch8.toFixed(2),
    r.msProposals === undefined ? '-' : r.msProposals.toFixed(2),
    r.msPaste === undefined ? '-' : r.msPaste.toFixed(2),
    r.speedUpOverRcnn === undefined ? '-' : `${r.speedUpOverRcnn.toFixed(1)}x`,
    r.trainSeconds === undefined ? '-' : (r.trainSeconds / 60).toFixed(1),
    fmt(r.metrics.testAp),
    fmt(r.metrics.testAp50),
    fmt(r.metrics.testAp75),
    fmt(r.metrics.testMaskAp),
    fmt(r.metrics.testMaskAp50),
    fmt(r.metrics.testAccuracy),
    fmt(r.metrics.testMeanIou),
    fmt(r.photo.testAp50),
    fmt(r.photo.testMaskAp50),
    fmt(r.photo.testAccuracy),
    fmt(r.photo.testMeanIou),
  ]);
  process.stdout.write(`${textTable(header, lines)}\n`);
  /** One table of the photo-like uploads split by `split` (`byScale` or `byEncoding`), each part named by `key`. */
  const splitTable = (title, split, key, column) => {
    const parts = rows.flatMap((r) =>
      r.photo[split].map((b) => [
        `${r.model}@${r.version}`,
        b[key],
        String(b.images),
        fmt(b.metrics.testAp50),
        fmt(b.metrics.testMaskAp50),
        fmt(b.metrics.testAccuracy),
        fmt(b.metrics.testMeanIou),
      ]),
    );
    const partHeader = ['model', column, 'uploads', 'AP50', 'mask AP50', 'accuracy', 'mean IoU'];
    process.stdout.write(`\nphoto-like uploads by ${title}\n${textTable(partHeader, parts)}\n`);
  };
  splitTable('size', 'byScale', 'scale', 'upload width / input');
  splitTable('encoding', 'byEncoding', 'encoding', 'encoding');
  if (rows.length === 0) log(`no box model with a production version in ${root}`);
}

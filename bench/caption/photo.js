// `node bench/caption/photo.js [model] [--registry dir] [--scenes N] [--beam K]`: a captioner's (production
// version, default `digits-captioner`) exact match and BLEU on its first N test scenes (default 500), clean
// and as photo-like uploads through the upload path (photo-metrics.js, seeded as bench:caption's column; also
// over their PNG and their JPEG uploads apart),
// decoded greedily or by a beam of K (as `/v1/caption?beam=K`).
import { scorers } from '@ocellus/models';
import { detectorArguments, testDetections } from '../detect/test-detections.js';
import { textTable } from '../text-table.js';
import { photoMetrics } from './photo-metrics.js';

const USAGE = 'node bench/caption/photo.js [model] [--registry dir] [--scenes N] [--beam K]';
if (process.argv.length === 2 || process.argv[2].startsWith('--'))
  process.argv.splice(2, 0, 'digits-captioner');
const { argv, name, option } = detectorArguments(USAGE);
const scenes = Number(option('--scenes') ?? 500);
const beam = Number(option('--beam') ?? 1);
if (!Number.isInteger(beam) || beam < 1 || beam > 10) {
  process.stderr.write(`--beam takes a whole number from 1 to 10\nusage: ${USAGE}\n`);
  process.exit(2);
}
const { manifest, version, model, data, test, outputs, targets } = await testDetections(
  name,
  option('--registry'),
  scenes,
  { beam },
);
if (manifest.task !== 'caption') {
  process.stderr.write(`${name} is a ${manifest.task} model, not a captioner\nusage: ${USAGE}\n`);
  process.exit(2);
}
const { height, width } = data.set;
const clean = scorers.caption(outputs, targets, { labels: model.labels, height, width }).metrics;
const photo = await photoMetrics(model, data, test, { beam });
const row = (kind, m) => [
  kind,
  `${(100 * m.testExactMatch).toFixed(1)}%`,
  m.testBleu1.toFixed(4),
  m.testBleu4.toFixed(4),
];
process.stdout.write(
  `node bench/caption/photo.js ${argv.join(' ')}: ${name} v${version}, ${test.length} test scenes\n` +
    `${textTable(
      ['scenes', 'exact', 'BLEU-1', 'BLEU-4'],
      [
        row('clean', clean),
        row('photo-like uploads', photo),
        row('  of them PNG', photo.byEncoding.png),
        row('  of them JPEG', photo.byEncoding.jpeg),
      ],
    )}\n`,
);

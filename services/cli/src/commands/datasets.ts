import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { type DatasetManifest, datasetImportOptionsSchema, toValidationIssues } from '@ocellus/contracts';
import { datasetStoreRoot, openDatasetStore } from '@ocellus/datasets';
import { parseCommand, registryOption } from '../args.js';
import { formatBytes, renderTable } from '../format.js';
import type { CliIo } from '../io.js';
import { registryRoot } from '../registry-root.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

export const DATASETS_USAGE =
  'ocellus datasets import <folder|archive> --name <name> --format image-folder|idx|coco|captions ' +
  '[--validation 0.1] [--test 0.1] [--seed 1] [--max-side 256] [--strict] [--labels <file>] [--registry <dir>]\n' +
  '       ocellus datasets list [--registry <dir>]';

const importOptions = {
  ...registryOption,
  name: { type: 'string' },
  format: { type: 'string' },
  validation: { type: 'string' },
  test: { type: 'string' },
  seed: { type: 'string' },
  'max-side': { type: 'string' },
  strict: { type: 'boolean' },
  labels: { type: 'string' },
} as const;

/** `datasets import` and `datasets list`, on the store beside the registry (`<registry>/.datasets`). */
export async function datasets(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'import') return importCommand(rest, io);
  if (action === 'list') return listCommand(rest, io);
  throw new UsageError(`usage: ${DATASETS_USAGE}`);
}

const numberOf = (text: string | undefined) => (text === undefined ? undefined : Number(text));

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({ args, options: importOptions, allowPositionals: true });
  const [given] = positionals;
  if (positionals.length !== 1 || given === undefined || values.name === undefined) {
    throw new UsageError(`usage: ${DATASETS_USAGE}`);
  }
  const path = isAbsolute(given) ? given : resolve(io.cwd, given);
  const parsed = datasetImportOptionsSchema.safeParse({
    format: values.format,
    validation: numberOf(values.validation),
    test: numberOf(values.test),
    seed: numberOf(values.seed),
    maxSide: numberOf(values['max-side']),
    strict: values.strict,
    labels: values.labels === undefined ? undefined : await labelLines(resolve(io.cwd, values.labels)),
  });
  if (!parsed.success) {
    const issue = toValidationIssues(parsed.error.issues)[0];
    throw new UsageError(`--${issue?.path || 'format'}: ${issue?.message ?? 'invalid'}`);
  }
  const store = openDatasetStore(datasetStoreRoot(registryRoot(values.registry, io)));
  const source = (await stat(path)).isDirectory()
    ? ({ kind: 'directory', path } as const)
    : ({ kind: 'archive', stream: createReadStream(path) } as const);
  const manifest = await store.import(values.name, source, parsed.data);
  io.stdout.write(`${describe(manifest)}\n`);
  return EXIT_OK;
}

async function labelLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8'))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function describe(m: DatasetManifest): string {
  const { splits, images, rejected, duplicates, captions } = m;
  // A captions version's labels are its vocabulary: counted, not listed.
  const labels =
    captions === undefined
      ? `${m.labels.length} labels: ${m.labels.join(', ')}`
      : `${captions.count} captions of ${captions.words.min}-${captions.words.max} words, ${m.labels.length} words in the vocabulary`;
  return [
    `imported ${m.name} v${m.version} (${m.format}): ${images.count} images (${images.grey} grey, ${images.rgb} RGB), ${labels}`,
    `  splits (${m.splitMethod.source}): train ${splits.train.count}, validation ${splits.validation.count}, test ${splits.test.count}`,
    `  rejected ${rejected.count}${rejected.files.map((r) => `\n    ${r.file}: ${r.reason}`).join('')}`,
    `  identical images across splits: ${duplicates.acrossSplits}`,
  ].join('\n');
}

async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({ args, options: registryOption, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`usage: ${DATASETS_USAGE}`);
  const store = openDatasetStore(datasetStoreRoot(registryRoot(values.registry, io)));
  const summaries = await store.list();
  if (summaries.length === 0) {
    io.stdout.write(`no datasets in ${store.root}\n`);
    return EXIT_OK;
  }
  const rows: string[][] = [];
  for (const summary of summaries) {
    for (const m of (await store.describe(summary.name)).manifests) {
      rows.push([
        m.name,
        String(m.version),
        m.format,
        String(m.images.count),
        String(m.labels.length),
        `${m.splits.train.count}/${m.splits.validation.count}/${m.splits.test.count}`,
        String(m.rejected.count),
        formatBytes(m.files.images.bytes),
        m.created.slice(0, 19).replace('T', ' '),
      ]);
    }
  }
  const header = [
    'dataset',
    'version',
    'format',
    'images',
    'labels',
    'train/val/test',
    'rejected',
    'size',
    'created',
  ];
  io.stdout.write(`${renderTable(header, rows)}\n`);
  return EXIT_OK;
}

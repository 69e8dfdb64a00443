import { DatasetError } from '@ocellus/datasets';
import { RegistryError } from '@ocellus/registry';
import { BUILD_USAGE, buildModels } from './commands/build-models.js';
import { DATASETS_USAGE, datasets } from './commands/datasets.js';
import { EVAL_USAGE, evaluate } from './commands/eval.js';
import { MODELS_USAGE, models } from './commands/models.js';
import { PREDICT_USAGE, predict } from './commands/predict.js';
import { TRAIN_USAGE, train } from './commands/train.js';
import type { CliIo } from './io.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Command; usage: string; summary: string }>> = {
  train: { run: train, usage: TRAIN_USAGE, summary: 'train a job spec and publish the model' },
  eval: { run: evaluate, usage: EVAL_USAGE, summary: 'score a model on the MNIST test split now' },
  predict: { run: predict, usage: PREDICT_USAGE, summary: 'classify image files' },
  models: { run: models, usage: MODELS_USAGE, summary: 'list models, versions, aliases, accuracy' },
  datasets: {
    run: datasets,
    usage: DATASETS_USAGE,
    summary:
      'import a folder or archive (image folder, IDX, COCO, captions) into the dataset store; list datasets',
  },
  'build-models': {
    run: buildModels,
    usage: BUILD_USAGE,
    summary: 'train the shipped models from models/specs (npm run models:build)',
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([, c]) => `  ${c.usage}\n      ${c.summary}`);
  return [
    'usage: ocellus <command> [options]',
    '',
    ...lines,
    '',
    'The registry is --registry, else $OCELLUS_REGISTRY, else the repository models/ folder.',
    'Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted.',
    '',
  ].join('\n');
}

/** Runs one command line; every error becomes one line on stderr and an exit code, never a stack trace. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`ocellus: unknown command '${name}'; try 'ocellus help'\n`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`usage: ${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (io.signal?.aborted) {
      io.stderr.write(`ocellus: ${name} interrupted\n`);
      return EXIT_INTERRUPTED;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ocellus: ${message.replaceAll('\n', ' ')}\n`);
    if (error instanceof UsageError) return EXIT_USAGE;
    if (error instanceof RegistryError && error.code === 'INVALID_NAME') return EXIT_USAGE;
    if (error instanceof DatasetError && error.code === 'INVALID_NAME') return EXIT_USAGE;
    return EXIT_FAILURE;
  }
}

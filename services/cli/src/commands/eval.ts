import { evaluateClassifier } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { renderConfusionMatrix } from '@ocellus/vision/metrics';
import { loadMnist } from '@ocellus/vision/mnist';
import { parseCommand, registryOption } from '../args.js';
import { formatPercent } from '../format.js';
import type { CliIo } from '../io.js';
import { loadModel, parseModelRef } from '../model-ref.js';
import { registryRoot } from '../registry-root.js';
import { testIndicesOf } from '../test-split.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

export const EVAL_USAGE = 'ocellus eval <model>[@version|@alias] [--registry <dir>]';

/** How the recomputed score compares with the recorded one, counted in digits. */
function agreement(
  recorded: number,
  now: number,
  examples: number,
): 'reproduced' | 'within one digit' | 'DIFFERENT' {
  const digits = Math.round(Math.abs(recorded - now) * examples);
  // One flip is a near-tie decided by float summation order, which GEMM changes may reorder.
  return digits === 0 ? 'reproduced' : digits === 1 ? 'within one digit' : 'DIFFERENT';
}

/**
 * Scores a published classifier on the MNIST test split now (not read back from the manifest) and
 * prints accuracy, then the confusion matrix with each class's accuracy; exit 1 if the manifest disagrees.
 */
export async function evaluate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({ args, options: registryOption, allowPositionals: true });
  const [refText, ...extra] = positionals;
  if (refText === undefined || extra.length > 0) throw new UsageError(`usage: ${EVAL_USAGE}`);
  const registry = openRegistry(registryRoot(values.registry, io));
  const { manifest, model } = await loadModel(registry, parseModelRef(refText));
  if (model.task !== 'classify') {
    throw new Error(`${manifest.name} is a ${model.task} model; eval scores classifiers`);
  }
  const result = evaluateClassifier(model, loadMnist(), testIndicesOf(manifest));
  const recorded = manifest.metrics['testAccuracy'];
  const out = io.stdout;
  out.write(
    `${manifest.name} version ${manifest.version} (${manifest.architecture.type}) on ` +
      `${result.examples} MNIST test-split digits\n`,
  );
  out.write(`test accuracy ${formatPercent(result.accuracy)}\n`);
  const verdict = recorded === undefined ? null : agreement(recorded, result.accuracy, result.examples);
  out.write(
    recorded === undefined
      ? 'the manifest records no test accuracy\n'
      : `manifest records ${formatPercent(recorded)} (${verdict})\n`,
  );
  out.write(
    `per-class accuracy: ${result.perClassAccuracy
      .map((a, c) => `${model.labels[c]} ${formatPercent(a, 1)}`)
      .join(', ')}\n\n`,
  );
  out.write(`${renderConfusionMatrix(result.confusion, model.labels)}\n`);
  if (verdict === 'DIFFERENT') {
    io.stderr.write(
      `ocellus: ${manifest.name} version ${manifest.version} scores ${formatPercent(result.accuracy)} now, ` +
        `but its manifest records ${formatPercent(recorded)}\n`,
    );
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

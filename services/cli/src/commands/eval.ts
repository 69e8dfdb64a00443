import { datasetStoreRoot } from '@ocellus/datasets';
import { evaluateModel } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { type LengthAccuracy, lengthAccuracyText, renderConfusionMatrix } from '@ocellus/vision/metrics';
import { parseCommand, registryOption } from '../args.js';
import { formatPercent, metricWords } from '../format.js';
import type { CliIo } from '../io.js';
import { loadModel, parseModelRef } from '../model-ref.js';
import { registryRoot } from '../registry-root.js';
import { evaluationDataOf } from '../test-split.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

export const EVAL_USAGE = 'ocellus eval <model>[@version|@alias] [--registry <dir>]';

type Verdict = 'reproduced' | 'within one digit' | 'DIFFERENT';

/** How the recomputed score compares with the recorded one, counted in test examples. */
function agreement(recorded: number, now: number, examples: number): Verdict {
  const digits = Math.round(Math.abs(recorded - now) * examples);
  // One flip is a near-tie decided by float summation order, which GEMM changes may reorder.
  return digits === 0 ? 'reproduced' : digits === 1 ? 'within one digit' : 'DIFFERENT';
}

/**
 * Scores a published model on its test split now (not read back from the manifest) with its task's
 * evaluator and prints each metric beside the recorded one, then the tables the evaluator made (a
 * classifier's confusion matrix with each class's accuracy, a captioner's exact match by caption length);
 * exit 1 if the manifest disagrees.
 */
export async function evaluate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({ args, options: registryOption, allowPositionals: true });
  const [refText, ...extra] = positionals;
  if (refText === undefined || extra.length > 0) throw new UsageError(`usage: ${EVAL_USAGE}`);
  const registry = openRegistry(registryRoot(values.registry, io));
  const { manifest, model } = await loadModel(registry, parseModelRef(refText));
  const { data, test, dataset } = evaluationDataOf(manifest, datasetStoreRoot(registry.root));
  const result = evaluateModel(model, data, test);
  const out = io.stdout;
  const what = dataset === 'mnist' ? 'MNIST test-split digits' : `${dataset} test-split images`;
  out.write(
    `${manifest.name} version ${manifest.version} (${manifest.architecture.type}) on ${result.examples} ${what}\n`,
  );
  let different: { metric: string; now: number; recorded: number } | null = null;
  for (const [metric, now] of Object.entries(result.metrics)) {
    const recorded = manifest.metrics[metric];
    out.write(`${metricWords(metric)} ${formatPercent(now)}\n`);
    if (recorded === undefined) {
      out.write(`the manifest records no ${metricWords(metric)}\n`);
      continue;
    }
    const verdict = agreement(recorded, now, result.examples);
    out.write(`manifest records ${formatPercent(recorded)} (${verdict})\n`);
    if (verdict === 'DIFFERENT' && different === null) different = { metric, now, recorded };
  }
  const perClass = result.details['perClassAccuracy'];
  if (Array.isArray(perClass)) {
    const rows = perClass.map((a: number, c: number) => `${model.labels[c]} ${formatPercent(a, 1)}`);
    out.write(`per-class accuracy: ${rows.join(', ')}\n\n`);
  }
  const byLength = result.details['exactByLength'];
  if (Array.isArray(byLength)) {
    out.write(`exact match by caption length: ${lengthAccuracyText(byLength as LengthAccuracy[], 1)}\n`);
  }
  const confusion = result.details['confusionMatrix'];
  if (Array.isArray(confusion))
    out.write(`${renderConfusionMatrix(confusion as number[][], model.labels)}\n`);
  if (different !== null) {
    io.stderr.write(
      `ocellus: ${manifest.name} version ${manifest.version} scores ${formatPercent(different.now)} now, ` +
        `but its manifest records ${formatPercent(different.recorded)}\n`,
    );
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

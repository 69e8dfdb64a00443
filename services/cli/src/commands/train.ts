import { runTrainingJob } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { parseCommand, registryOption } from '../args.js';
import { formatDuration, formatPercent, metricWords } from '../format.js';
import type { CliIo } from '../io.js';
import { progressReporter } from '../progress/reporter.js';
import { registryRoot } from '../registry-root.js';
import { readSpecFile } from '../spec-file.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

export const TRAIN_USAGE = 'ocellus train <spec.json> [--registry <dir>] [--job-id <id>]';

/** Trains a job spec in this process and publishes the result (and promotes it when the spec asks). */
export async function train(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({
    args,
    options: { ...registryOption, 'job-id': { type: 'string' } },
    allowPositionals: true,
  });
  const [specPath, ...extra] = positionals;
  if (specPath === undefined || extra.length > 0) throw new UsageError(`usage: ${TRAIN_USAGE}`);
  const { spec } = await readSpecFile(specPath, io.cwd);
  const registry = openRegistry(registryRoot(values.registry, io));
  const reporter = progressReporter(io.stdout);
  reporter.log(`training ${spec.model} (${spec.architecture.type}) into ${registry.root}`);
  try {
    const { manifest, metrics } = await runTrainingJob(spec, {
      registry,
      jobId: values['job-id'] ?? null,
      onPhase: (phase) => reporter.phase(phase),
      onProgress: (progress) => reporter.progress(progress),
      onLog: (line) => reporter.log(line),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    reporter.finish();
    const promoted = spec.promote ? `, ${spec.promote} -> ${manifest.version}` : '';
    // The task's own test figures (accuracy; mean IoU; AP, AP50, ...), in the evaluator's order.
    const scores = Object.entries(metrics)
      .filter(([name]) => name.startsWith('test'))
      .map(([name, value]) => `${metricWords(name)} ${formatPercent(value)}`);
    io.stdout.write(
      `published ${manifest.name} version ${manifest.version}${promoted}: ${scores.join(', ') || 'no test figures'}, ` +
        `trained in ${formatDuration(metrics.trainSeconds ?? Number.NaN)}\n`,
    );
    return EXIT_OK;
  } finally {
    reporter.finish();
  }
}

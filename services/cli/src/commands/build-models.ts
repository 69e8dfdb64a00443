import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { JobSpec } from '@ocellus/contracts';
import { publishedBy, runTrainingJob } from '@ocellus/models';
import { type Manifest, openRegistry, type Registry } from '@ocellus/registry';
import { parseCommand, registryOption } from '../args.js';
import { formatBytes, formatDuration, formatPercent, metricWords, renderTable } from '../format.js';
import type { CliIo } from '../io.js';
import { progressReporter } from '../progress/reporter.js';
import { registryRoot } from '../registry-root.js';
import { buildJobId, type MetricTarget, SHIPPED_SPECS, targetsOf } from '../shipped.js';
import { readShortfalls, SHORTFALLS_FILE } from '../shortfalls.js';
import { readSpecFile, type SpecFile } from '../spec-file.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

export const BUILD_USAGE =
  'ocellus build-models [--specs <dir>] [--only <model,...>] [--check] [--registry <dir>]';

async function specFiles(dir: string, io: CliIo): Promise<SpecFile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new UsageError(`cannot list specs in ${dir}: ${(error as Error).message}`);
  }
  const files = entries.filter((e) => e.endsWith('.json') && e !== SHORTFALLS_FILE).sort();
  if (files.length === 0) throw new UsageError(`no *.json job specs in ${dir}`);
  return Promise.all(files.map((file) => readSpecFile(join(dir, file), io.cwd)));
}

/** Trains one spec with a progress display and publishes it under the build's job id. */
async function trainSpec(
  spec: JobSpec,
  path: string,
  jobId: string,
  registry: Registry,
  io: CliIo,
): Promise<Manifest> {
  const reporter = progressReporter(io.stdout);
  reporter.log(`building ${spec.model} from ${path} (job ${jobId})`);
  try {
    const { manifest } = await runTrainingJob(spec, {
      registry,
      jobId,
      onPhase: (phase) => reporter.phase(phase),
      onProgress: (progress) => reporter.progress(progress),
      onLog: (line) => reporter.log(line),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    return manifest;
  } finally {
    reporter.finish();
  }
}

/** Each target's metric with its figure, as `98.50% test accuracy`, joined; `-` for none. */
const figuresText = (
  targets: readonly MetricTarget[],
  figure: (target: MetricTarget) => number | undefined,
) =>
  targets.length === 0
    ? '-'
    : targets.map((t) => `${formatPercent(figure(t))} ${metricWords(t.metric)}`).join(', ');

/**
 * `npm run models:build`: trains every committed spec whose content has no published version yet
 * (idempotent by job id), promotes it as the spec says, and checks REFERENCE.md's targets, or for a model
 * listed in the specs' `shortfalls.json` the floors its issue accepts while the gap is open.
 * `--check` trains nothing and fails when a spec's version is missing or below its target (or floor).
 */
export async function buildModels(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({
    args,
    options: {
      ...registryOption,
      specs: { type: 'string' },
      only: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`usage: ${BUILD_USAGE}`);
  const registry = openRegistry(registryRoot(values.registry, io));
  const specsDir = values.specs === undefined ? SHIPPED_SPECS : resolve(io.cwd, values.specs);
  let specs = await specFiles(specsDir, io);
  const shortfalls = await readShortfalls(specsDir);
  if (values.only !== undefined) {
    const wanted = new Set(values.only.split(',').map((s) => s.trim()));
    const unknown = [...wanted].filter((name) => !specs.some((s) => s.spec.model === name));
    if (unknown.length > 0) throw new UsageError(`--only names models without a spec: ${unknown.join(', ')}`);
    specs = specs.filter((s) => wanted.has(s.spec.model));
  }
  const rows: string[][] = [];
  let ok = true;
  for (const { spec, raw, path } of specs) {
    const jobId = buildJobId(spec.model, raw);
    let manifest = await publishedBy(registry, spec.model, jobId);
    let status = 'kept';
    if (manifest === undefined && values.check) {
      io.stderr.write(`ocellus: ${spec.model} has no version built from ${path} (job ${jobId})\n`);
      rows.push([spec.model, '-', '-', figuresText(targetsOf(spec), (t) => t.min), '-', '-', 'missing']);
      ok = false;
      continue;
    }
    if (manifest === undefined) {
      manifest = await trainSpec(spec, path, jobId, registry, io);
      status = 'built';
    } else if (spec.promote && !values.check) {
      await registry.setAlias(spec.model, spec.promote, manifest.version);
    } else if (spec.promote && (await registry.aliases(spec.model))[spec.promote] !== manifest.version) {
      io.stderr.write(
        `ocellus: ${spec.model}'s ${spec.promote} alias is not on version ${manifest.version}\n`,
      );
      ok = false;
      status = `not ${spec.promote}`;
    }
    const targets = targetsOf(spec);
    const below = ({ metric, min }: MetricTarget) => !((manifest.metrics[metric] ?? Number.NaN) >= min);
    const missed = targets.filter(below);
    // A listed shortfall still holds its floors; anything else holds its targets.
    const shortfall = shortfalls.get(spec.model);
    const failed = shortfall === undefined ? missed : shortfall.floors.filter(below);
    for (const { metric, min } of failed) {
      io.stderr.write(
        `ocellus: ${spec.model} version ${manifest.version} scores ${formatPercent(manifest.metrics[metric])}` +
          ` ${metricWords(metric)}, below its ${shortfall ? `floor (issue ${shortfall.issue})` : 'target'}` +
          ` ${formatPercent(min)}\n`,
      );
      ok = false;
    }
    const verdict =
      missed.length === 0
        ? status
        : shortfall !== undefined && failed.length === 0
          ? `${status}, short of target (issue ${shortfall.issue})`
          : `${status}, below target`;
    rows.push([
      spec.model,
      String(manifest.version),
      figuresText(targets, (t) => manifest.metrics[t.metric]),
      figuresText(targets, (t) => t.min),
      formatDuration(manifest.metrics['trainSeconds'] ?? Number.NaN),
      formatBytes(manifest.weights.bytes),
      verdict,
    ]);
  }
  const header = ['model', 'version', 'scores', 'targets', 'trained in', 'size', 'status'];
  io.stdout.write(`${renderTable(header, rows)}\n`);
  return ok ? EXIT_OK : EXIT_FAILURE;
}

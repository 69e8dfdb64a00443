import { openRegistry } from '@ocellus/registry';
import { parseCommand, registryOption } from '../args.js';
import { formatBytes, formatDuration, formatPercent, renderTable } from '../format.js';
import type { CliIo } from '../io.js';
import { registryRoot } from '../registry-root.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

export const MODELS_USAGE = 'ocellus models [--registry <dir>]';

/** One row per published version: its aliases, family, recorded test accuracy, training time and size. */
export async function models(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({ args, options: registryOption, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`usage: ${MODELS_USAGE}`);
  const registry = openRegistry(registryRoot(values.registry, io));
  const summaries = await registry.listModels();
  if (summaries.length === 0) {
    io.stdout.write(`no models in ${registry.root}\n`);
    return EXIT_OK;
  }
  const rows: string[][] = [];
  for (const summary of summaries) {
    const { manifests, aliases } = await registry.describe(summary.name);
    for (const m of manifests) {
      const names = Object.keys(aliases)
        .filter((alias) => aliases[alias] === m.version)
        .sort();
      rows.push([
        m.name,
        String(m.version),
        names.join(',') || '-',
        m.task,
        m.architecture.type,
        formatPercent(m.metrics['testAccuracy']),
        formatDuration(m.metrics['trainSeconds'] ?? Number.NaN),
        formatBytes(m.weights.bytes),
        m.created.slice(0, 19).replace('T', ' '),
      ]);
    }
  }
  const header = ['model', 'version', 'aliases', 'task', 'type', 'test acc', 'trained in', 'size', 'created'];
  io.stdout.write(`${renderTable(header, rows)}\n`);
  return EXIT_OK;
}
